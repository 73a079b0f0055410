"""Named cell styles and the looks (fill, font) a cell can take beyond its column's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from policycheck.render.xlsx.tables import (
    FONT,
    HEADER_COLOURS,
    INSUFFICIENT_FILL,
    INVALID_FILL,
    MUTED_FONT,
    NUMBER_FORMATS,
    SEVERITY_COLOURS,
    Kind,
)

if TYPE_CHECKING:
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.workbook.workbook import Workbook


@dataclass(frozen=True, slots=True)
class Look:
    """A cell's look beyond its column's: a label (naming the cell style), a fill colour or "",
    and a font: "", "bold", "muted" or the colour of bold text."""

    label: str = ""
    fill: str = ""
    font: str = ""


PLAIN = Look()
BOLD = Look("label", font="bold")
NOT_APPLICABLE_LOOK = Look("not applicable", font="muted")
INSUFFICIENT_LOOK = Look("insufficient", INSUFFICIENT_FILL)
INSUFFICIENT_STATUS = Look("insufficient status", INSUFFICIENT_FILL, "bold")
INVALID = Look("invalid", INVALID_FILL)
INVALID_STATUS = Look("invalid status", INVALID_FILL, "bold")
WAIVED = Look("waived", INVALID_FILL, "bold")
SEVERITY_LOOKS: dict[object, Look] = {
    s.value: Look(s.value, fill, font) for s, (fill, font) in SEVERITY_COLOURS.items()
}


class Styles:
    """Named cell styles ("policycheck score", ...), made on first use.

    Cells are made with their style's array of ids: far cheaper than setting fonts, fills
    and alignments on each cell (openpyxl hashes each one to find its id).
    """

    def __init__(self, wb: Workbook) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self._wb = wb
        self._arrays: dict[tuple[str, Look], StyleArray] = {}
        #: The workbook's id of each of these arrays (by identity), quote-prefixed or not,
        #: once a cell made with it was listed (see ``_cell``).
        self.ids: dict[tuple[int, bool], int] = {}
        self._Font = Font
        self._PatternFill = PatternFill
        self._Alignment = Alignment
        self._border = Border(bottom=Side(style="thin", color="000000"))

    def font(self, *, size: float = 11, **kw: Any) -> Any:
        return self._Font(name=FONT, size=size, **kw)

    def fill(self, colour: str) -> Any:
        return self._PatternFill("solid", fgColor=colour)

    def array(self, kind: str, look: Look = PLAIN) -> StyleArray:
        """The style of a cell of ``kind`` (a column kind, or "header") with ``look``."""
        found = self._arrays.get((kind, look))
        if found is not None:
            return found
        from openpyxl.styles import NamedStyle

        fill, font = look.fill, look.font
        name = " ".join(part for part in ("policycheck", kind, look.label) if part)
        style = NamedStyle(name=name)
        if kind == "header":
            background, colour = HEADER_COLOURS
            style.font = self.font(bold=True, color=colour)
            style.fill = self.fill(background)
            style.alignment = self._Alignment(vertical="center", wrap_text=True)
            style.border = self._border
        else:
            if font == "bold":
                style.font = self.font(bold=True)
            elif font == "muted":
                style.font = self.font(italic=True, color=MUTED_FONT)
            elif font:
                style.font = self.font(bold=True, color=font)
            else:
                style.font = self.font()
            if fill:
                style.fill = self.fill(fill)
            style.alignment = self._Alignment(
                horizontal="center" if kind in ("grade", "severity", "int") else None,
                vertical="top",
                wrap_text=kind == "wrap" or None,
            )
            style.number_format = NUMBER_FORMATS.get(cast(Kind, kind), "General")
        self._wb.add_named_style(style)
        array = self._arrays[kind, look] = style.as_tuple()
        return array
