"""The after-action report: one set of data per viewer (`data.py`), rendered as Markdown or HTML."""
