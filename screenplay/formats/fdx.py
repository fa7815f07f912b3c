"""Final Draft (.fdx) import and export: genuine Final Draft saves and minimal generated files.

Parsing goes through defusedxml, so entity declarations (billion laughs) and external entities are
refused instead of expanded or fetched.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.etree.ElementTree import Element as XmlNode

import defusedxml
import defusedxml.ElementTree as SafeET

from screenplay.errors import ACCEPTED, ScriptImportError
from screenplay.formats.layout import (
    Run,
    ScriptBuilder,
    cue_text,
    parse_emphasis,
    runs_to_markup,
    title_fields,
)
from screenplay.model import CastMember, Element, ElementType, Script, split_cue

# Paragraph types Final Draft shows in capitals by default (when the file has no ElementSettings).
_DEFAULT_ALLCAPS = {"Scene Heading", "Character", "Transition", "Shot", "New Act",
                    "End of Act"}

_SIMPLE_TYPES = {
    "Action": ElementType.ACTION,
    "General": ElementType.ACTION,
    "Shot": ElementType.ACTION,
    "Parenthetical": ElementType.PARENTHETICAL,
    "Dialogue": ElementType.DIALOGUE,
    "Transition": ElementType.TRANSITION,
    "Lyrics": ElementType.LYRICS,
    "Singing": ElementType.LYRICS,
    "New Act": ElementType.SECTION,
    "End of Act": ElementType.CENTERED,
}

# A 300-page script has about 6,000 paragraphs; far more is no screenplay (and only costs time).
MAX_PARAGRAPHS = 100_000

# XML 1.0 forbids most control characters even when escaped.
_XML_INVALID_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _fail(why: str) -> ScriptImportError:
    return ScriptImportError(f"Not a readable Final Draft file: {why}. Accepted: {ACCEPTED}.")


def parse(data: bytes) -> Script:
    """Read a Final Draft XML file into a Script."""
    if not data.strip():
        raise _fail("the file is empty")
    try:
        root = SafeET.fromstring(data)
    except defusedxml.DefusedXmlException as exc:
        raise _fail(f"it declares XML entities ({type(exc).__name__}), refused for safety") from exc
    except ET.ParseError as exc:
        raise _fail(f"the XML is malformed or truncated ({exc})") from exc
    if root.tag != "FinalDraft":
        raise _fail(f"the XML root is <{root.tag}>, not <FinalDraft>")
    content = root.find("Content")
    if content is None:
        raise _fail("it has no <Content> section")

    allcaps = _allcaps_types(root)
    builder = ScriptBuilder("fdx")
    paragraphs = content.findall("Paragraph")
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise _fail(f"it has {len(paragraphs):,} paragraphs, more than the {MAX_PARAGRAPHS:,} of any script")
    for para in paragraphs:
        _read_paragraph(para, builder, allcaps, dual=False)
    script = builder.script
    title_page = root.find("TitlePage")
    if title_page is not None:
        script.title_page = _read_title_page(title_page)
    script.cast.extend(_read_cast(root, builder))
    for note in root.iter("ScriptNotes"):
        for n in note.findall("ScriptNote"):
            _add_note(n, builder)
    return script


def _allcaps_types(root: XmlNode) -> set[str]:
    settings = root.findall("ElementSettings")
    declared = {s.get("Type", "") for s in settings}
    caps = _DEFAULT_ALLCAPS - declared  # types the file does not describe keep Final Draft's default
    for s in settings:
        spec = s.find("FontSpec")
        if spec is not None and "AllCaps" in (spec.get("Style") or ""):
            caps.add(s.get("Type", ""))
    return caps


def _runs(para: XmlNode) -> list[Run]:
    runs = []
    for t in para.findall("Text"):
        style = t.get("Style") or ""
        text = t.text or ""
        if "AllCaps" in style:
            text = text.upper()
        runs.append(Run(text, "Bold" in style, "Italic" in style, "Underline" in style))
    return runs


def _read_paragraph(para: XmlNode, b: ScriptBuilder, allcaps: set[str], *, dual: bool) -> None:
    ptype = para.get("Type") or ""
    runs = _runs(para)
    text = runs_to_markup(runs).strip()
    if ptype in allcaps:
        text = text.upper()
    dd = para.find("DualDialogue")
    if dd is not None:
        cues = 0
        for inner in dd.findall("Paragraph"):
            if inner.get("Type") == "Character":
                cues += 1
            _read_paragraph(inner, b, allcaps, dual=cues >= 2 and inner.get("Type") == "Character")
    if ptype == "Scene Heading":
        props = para.find("SceneProperties")
        page = props.get("Page") if props is not None else None
        b.heading(
            text or "UNTITLED SCENE",
            number=para.get("Number") or None,
            page=int(page) if page and page.isdigit() else None,
        )
    elif ptype == "Character" and text:
        name, exts = split_cue(text)
        b.add(ElementType.CHARACTER, name, extensions=exts, dual=dual)
    elif ptype == "Cast List" and text:
        b.script.cast.append(_cast_line(text))
    elif text:
        etype = _SIMPLE_TYPES.get(ptype, ElementType.ACTION)
        if para.get("Alignment") == "Center" and etype is ElementType.ACTION:
            etype = ElementType.CENTERED
        b.add(etype, text, level=1 if etype is ElementType.SECTION else 0)
    for note in para.findall("ScriptNote"):
        _add_note(note, b)


def _add_note(note: XmlNode, b: ScriptBuilder) -> None:
    text = " ".join("".join(t.text or "" for t in p.iter("Text")).strip()
                    for p in note.iter("Paragraph")).strip()
    text = text or "".join(t.text or "" for t in note.findall("Text")).strip()
    if text:
        b.add(ElementType.NOTE, text)


def _cast_line(text: str) -> CastMember:
    parts = re.split(r"\s+[-–—]\s+|,\s+", text, maxsplit=1)
    return CastMember(name=parts[0].strip().upper(), description=parts[1].strip() if len(parts) > 1 else "")


def _read_cast(root: XmlNode, b: ScriptBuilder) -> list[CastMember]:
    seen = {c.name for c in b.script.cast}
    out: list[CastMember] = []
    for holder in [*root.findall("Cast"), *root.findall("CastList")]:
        for m in holder:
            name = (m.get("Character") or m.get("Name") or (m.text or "")).strip()
            if not name or m.tag in ("Narrator",):
                continue
            name = name.upper()
            if name not in seen:
                seen.add(name)
                out.append(CastMember(name=name, description=(m.get("Description") or "").strip()))
    return out


def _read_title_page(tp: XmlNode) -> dict[str, str]:
    content = tp.find("Content")
    if content is None:
        return {}
    lines = []
    for p in content.findall("Paragraph"):
        text = re.sub(r"\s{2,}", " ", runs_to_markup(_runs(p)).replace("\t", " ")).strip()
        lines.append((p.get("Alignment") or "Left", text))
    return title_fields(lines)


# ---------------------------------------------------------------- export

_EXPORT_TYPES = {
    ElementType.ACTION: "Action",
    ElementType.CHARACTER: "Character",
    ElementType.PARENTHETICAL: "Parenthetical",
    ElementType.DIALOGUE: "Dialogue",
    ElementType.TRANSITION: "Transition",
    ElementType.LYRICS: "Lyrics",
    ElementType.CENTERED: "Action",
    ElementType.SECTION: "New Act",
}
_TITLE_ORDER = ["Title", "Credit", "Author", "Authors", "Source", "Notes", "Draft date", "Contact",
                "Copyright"]
_TITLE_ALIGN = {"Draft date": "Right", "Contact": "Left", "Copyright": "Left"}


def _clean(text: str) -> str:
    return _XML_INVALID_RE.sub("", text)


def _paragraph(parent: XmlNode, ptype: str | None, text: str, **attrs: str) -> XmlNode:
    para = ET.SubElement(parent, "Paragraph")
    if ptype:
        para.set("Type", ptype)
    for k, v in attrs.items():
        para.set(k, v)
    for run in parse_emphasis(_clean(text)) or [Run("")]:
        node = ET.SubElement(para, "Text")
        style = "+".join(s for s, on in (("Bold", run.bold), ("Italic", run.italic),
                                          ("Underline", run.underline)) if on)
        if style:
            node.set("Style", style)
        node.text = run.text
    return para


def render(script: Script) -> str:
    """Write a Script as Final Draft XML that Final Draft opens and this module reads back."""
    root = ET.Element("FinalDraft", DocumentType="Script", Template="No", Version="5")
    content = ET.SubElement(root, "Content")
    for el in script.preamble:
        _render_elements([el], content)
    for scene in script.scenes:
        attrs = {"Number": scene.heading.number} if scene.heading.number else {}
        _paragraph(content, "Scene Heading", scene.heading.text, **attrs)
        _render_elements(scene.elements, content)
    if script.title_page:
        tp = ET.SubElement(root, "TitlePage")
        tcontent = ET.SubElement(tp, "Content")
        keys = sorted(script.title_page, key=lambda k: (
            _TITLE_ORDER.index(k) if k in _TITLE_ORDER else len(_TITLE_ORDER)))
        for key in keys:
            for line in script.title_page[key].split("\n"):
                _paragraph(tcontent, None, line, Alignment=_TITLE_ALIGN.get(key, "Center"))
    if script.cast:
        cast = ET.SubElement(root, "Cast")
        for member in script.cast:
            ET.SubElement(cast, "Member", Character=_clean(member.name),
                          Description=_clean(member.description))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n' + body + "\n"


def _render_elements(elements: list[Element], content: XmlNode) -> None:
    target = content  # where speech paragraphs go: Content, or a DualDialogue block
    speech_start: int | None = None  # index in content of the current speech's cue
    last_para: XmlNode | None = None
    for el in elements:
        if el.type is ElementType.CHARACTER:
            if el.dual and speech_start is not None and target is content:
                first = list(content)[speech_start:]
                for node in first:
                    content.remove(node)
                holder = ET.SubElement(content, "Paragraph")
                target = ET.SubElement(holder, "DualDialogue")
                target.extend(first)
            else:
                target = content
                speech_start = len(content)
            last_para = _paragraph(target, "Character", cue_text(el))
            continue
        if el.type not in (ElementType.DIALOGUE, ElementType.PARENTHETICAL):
            target, speech_start = content, None
        if el.type is ElementType.NOTE:
            holder = last_para if last_para is not None else _paragraph(content, "General", "")
            note = ET.SubElement(holder, "ScriptNote")
            _paragraph(note, None, el.text)
            continue
        if el.type is ElementType.PAGE_BREAK or el.type is ElementType.SYNOPSIS:
            continue
        attrs = {"Alignment": "Center"} if el.type is ElementType.CENTERED else {}
        last_para = _paragraph(target, _EXPORT_TYPES.get(el.type, "Action"), el.text, **attrs)
