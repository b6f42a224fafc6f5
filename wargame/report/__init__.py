"""The after-action report: one set of data per viewer (`data.py`), made into one report model
(`model.py`) that every format's template lays out (`templates/`: Markdown, HTML)."""
