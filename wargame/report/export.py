"""Writing a report file: the format from the file name, written atomically, never over
an existing file unless asked, nor into a folder that is not there (`wargame.files`). The
one call the CLI and the replay viewer both use."""

from __future__ import annotations

from pathlib import Path

from wargame.analysis.marks import Marks, latest_marks
from wargame.analysis.rollout import Checkpoints
from wargame.analysis.turning import Analysis, cached_analysis, latest_cached
from wargame.analysis.whatif import recorded_what_ifs
from wargame.errors import WargameError
from wargame.files import check_output, write_output
from wargame.observe.visibility import FACILITATOR, Viewer, as_viewer
from wargame.report.data import build_report
from wargame.report.templates import FORMATS, format_for, render_report
from wargame.saves.store import Verification, read_save

REPORT_ROLLOUTS = 2000
"""Continuations behind each point of the report's odds chart (the batched engine plays
them in seconds; the analysis is cached beside the save)."""


def report_format(path: str | Path) -> str:
    """The name of the format (`markdown`, `html`...) the file's name asks for; raises
    `WargameError` if it asks for none."""
    fmt = format_for(Path(path).name)
    if fmt is None:
        suffixes = [f.suffixes[0] for f in FORMATS.values()]
        endings = ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}" if len(suffixes) > 1 else suffixes[0]
        raise WargameError(f"{path}: a report is written as {endings} (the name says which)")
    return fmt.name


def export_report(
    save_path: str | Path,
    out_path: str | Path,
    viewer: Viewer | str = FACILITATOR,
    analysis: Analysis | None = None,
    *,
    force: bool = False,
    verification: Verification | None = None,
    rollouts: int | None = REPORT_ROLLOUTS,
    marks: Marks | None = None,
    fmt: str | None = None,
) -> Path:
    """Write the after-action report of the save at `save_path` for `viewer` to `out_path`
    (in the format its name asks for: .md, .html...; `fmt` names another, `slides` for a
    `.html`). Without `analysis` (or `marks`), the latest cached for this save is used, if
    any; for the facilitator's report, an analysis of fewer than `rollouts` continuations a
    turn (or none) is made again with that many (`None`: use what there is). What-ifs run
    on the save are read from its sidecar. A save that fails verify is reported with the
    warning at its top (`verification`: the caller's, else it is run). Raises
    `WargameError` for a bad save, viewer or path, or if `out_path` exists and `force` is
    not set, or its folder is missing or read-only (checked before the work)."""
    out = Path(out_path)
    fmt = fmt or report_format(out)
    check_output(out, force=force)
    save = read_save(save_path)
    if analysis is None:
        analysis = latest_cached(save, save_path)
    if marks is None:
        marks = latest_marks(save, save_path)
    points = Checkpoints(save)  # the save replayed once, for the report and any analysis
    if rollouts is not None and (analysis is None or analysis.rollouts < rollouts) and as_viewer(viewer, points.deck).is_facilitator:
        # The odds chart is the facilitator's (it reads secrets): filled from enough continuations.
        analysis = cached_analysis(save, save_path, rollouts, engine="fast",
                                   stand_ins=analysis.stand_ins if analysis is not None else None, checkpoints=points)
    data = build_report(save, viewer, analysis, recorded_what_ifs(save, save_path), points, verification, marks)
    return write_output(out, render_report(data, fmt), force=force)
