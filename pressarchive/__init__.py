"""pressarchive: a searchable, bilingual archive of press-conference transcripts."""

__version__ = "0.1.0"
