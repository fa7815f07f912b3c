"""What a restyle must keep: scene headings, element kinds in order, and who speaks in what order."""

from __future__ import annotations

from dataclasses import dataclass

from screenplay.formats import fountain
from screenplay.model import ElementType, Script

# Elements whose text is the writer's voice and may be restyled; every other element is kept verbatim.
RESTYLED = (ElementType.ACTION, ElementType.DIALOGUE)


@dataclass(frozen=True)
class Shape:
    headings: tuple[str, ...]
    elements: tuple[tuple[str, ...], ...]  # per scene (preamble first): element kinds in order
    cues: tuple[str, ...]  # speakers in order across the text

    def differences(self, other: "Shape") -> list[str]:
        out = []
        if self.headings != other.headings:
            out.append("scene headings changed")
        if self.cues != other.cues:
            out.append("speakers or their order changed")
        if self.elements != other.elements:
            out.append("the kinds of elements changed (an action line turned into a cue, heading or transition?)")
        return out


def shape(script: Script) -> Shape:
    parts = [script.preamble] + [s.elements for s in script.scenes]
    kinds = tuple(tuple(e.type.value for e in els if e.type is not ElementType.NOTE) for els in parts)
    cues = tuple(e.cue_name for els in parts for e in els if e.type is ElementType.CHARACTER)
    return Shape(tuple(s.heading.text for s in script.scenes), kinds, cues)


def reparsed_shape(script: Script) -> Shape:
    """The shape the script has once written out as Fountain and read back, as a writer would get it."""
    return shape(fountain.parse(fountain.render(script)))
