"""The report's formats: Jinja2 templates that lay out the one report model (`model.py`).

Every word, number and note is decided in the model; a template chooses only markup and
layout. Escaping is not the template's to remember: each format names its markup, and
every `{{ value }}` that is not already markup (a macro's output, a drawn chart) goes
through that markup's escape (`md_escape` for Markdown, `html_escape` for HTML), so deck
and save text, which is hostile, never becomes structure.

Adding a format is a template and a registration, nothing else (the debrief's slides are
one: `slides.html.j2` laying out `slides.SlideShow`):

1. Write `NAME.j2` in this folder. It receives `report` (a `model.Report`). Import the
   block macros of its markup (`{% import "blocks.html.j2" as b %}` for HTML, or
   `blocks.md.j2`) and lay the report out: `b.text(t)` writes a `model.Text`, `b.block(x)`
   any block (a section with its heading and everything in it), `b.plot(p)` one chart of a
   `model.Figure` as inline SVG. Walk `report.body` and give each `model.Section` (a slide,
   a page) the room it needs.
2. Add a `Format` to `FORMATS` below: its name (what `render` and `report_format` return),
   the template, the file-name endings that choose it (longest first wins, so
   `.slides.html` sits beside `.html`), its markup, and the model it lays out if not the
   report's (`build`).

`render` and `export.export_report` then write it, and the tests of escaping that walk
`FORMATS` cover it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from importlib.resources import files
from typing import Literal, NoReturn

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from wargame.report.data import ReportData
from wargame.report.model import Plot, report_model
from wargame.report.slides import slides_model
from wargame.report.svg import line_chart

MarkupKind = Literal["markdown", "html"]


@dataclass(frozen=True)
class Format:
    name: str
    template: str
    suffixes: tuple[str, ...]
    """File-name endings that choose this format, lower case: `.md`, `.slides.html`."""
    markup: MarkupKind
    """Which escape every value gets, and which block macros the template imports."""
    build: Callable[[ReportData], object] = field(default=report_model)
    """The model the template lays out (as `report`): the report's, or the slides'."""


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("markdown", "report.md.j2", (".md", ".markdown"), "markdown"),
        Format("html", "report.html.j2", (".html", ".htm"), "html"),
        Format("slides", "slides.html.j2", (".slides.html",), "html", slides_model),
    )
}


def format_for(file_name: str) -> Format | None:
    """The format a file name asks for (the longest ending that matches), or None."""
    name = file_name.lower()
    matches = [(len(s), f) for f in FORMATS.values() for s in f.suffixes if name.endswith(s)]
    return max(matches, key=lambda m: m[0])[1] if matches else None


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&!{}])")
_SPACES = re.compile(r"\s+")


def md_escape(text: str) -> str:
    """Text made inert in Markdown: every character that could start markup escaped, and
    on one line (a newline could start a heading, a list or a quote). Spaces at the ends
    are kept: the text may be one run of a sentence."""
    return _MD_SPECIAL.sub(r"\\\1", _SPACES.sub(" ", text))


def html_escape(text: str) -> str:
    """Text made inert in HTML (`&`, `<`, `>` and both quotes)."""
    return escape(text, quote=True)


_ESCAPES: dict[MarkupKind, Callable[[str], str]] = {"markdown": md_escape, "html": html_escape}


def _unknown_block(block: object) -> NoReturn:
    raise TypeError(f"no template for a {type(block).__name__} block")


@functools.cache
def _environment(markup: MarkupKind) -> Environment:
    esc = _ESCAPES[markup]

    def finalize(value: object) -> Markup:
        # Runs on every {{ value }}: markup (a macro's output, a chart) is kept, anything
        # else is escaped for this format. Jinja's autoescape is on too, so nothing slips
        # through as raw text (and HTML is escaped exactly as html.escape does).
        return value if isinstance(value, Markup) else Markup(esc(str(value)))

    env = Environment(
        loader=PackageLoader("wargame.report", "templates"),
        autoescape=True,
        finalize=finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["unknown_block"] = _unknown_block
    if markup == "html":
        env.filters["svg"] = _svg
        script = files("wargame.report.templates").joinpath("slides.js").read_text(encoding="utf-8")
        env.globals["script"] = Markup(script)
        env.globals["script_hash"] = script_hash(script)
    return env


def script_hash(script: str) -> str:
    """The page policy's source for one inline script (`sha256-...`): that script runs, no other."""
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def _svg(plot: Plot) -> Markup:
    """A plot as an inline `<svg>` (svg.py escapes every text it draws)."""
    return Markup(line_chart(plot.chart, plot.id))


def render(report: object, fmt: str) -> str:
    """`report` (the model the format builds: a `model.Report` for the report's formats)
    written in the format named `fmt` (a key of `FORMATS`)."""
    f = FORMATS[fmt]
    return _environment(f.markup).get_template(f.template).render(report=report)


def render_report(data: ReportData, fmt: str) -> str:
    """The report of `data` (one viewer's) in the format named `fmt`."""
    return render(FORMATS[fmt].build(data), fmt)
