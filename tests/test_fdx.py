"""Final Draft import/export: genuine-save quirks, generated files, hostile XML, round trips."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from screenplay.errors import ScriptImportError
from screenplay.formats import fdx
from screenplay.model import CastMember, Element, ElementType, Scene, Script, parse_heading

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "realscripts"

GENUINE = """<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<FinalDraft DocumentType="Script" Template="No" Version="1">
  <Content>
    <Paragraph Type="General"><Text Style="Bold">FADE IN</Text></Paragraph>
    <Paragraph Number="1" Type="Scene Heading">
      <SceneProperties Length="5/8" Page="1" Title=""/>
      <Text>int.  diner - </Text><Text Font="Courier" Style="">night</Text>
    </Paragraph>
    <Paragraph Type="Action">
      <Text>The wai</Text><Text Style="">tress pours </Text><Text Style="Italic">hot</Text>
      <Text> coffee. It is </Text><Text Style="Bold+Underline">very</Text><Text> late.</Text>
      <ScriptNote><Paragraph><Text>Check the coffee brand.</Text></Paragraph></ScriptNote>
    </Paragraph>
    <Paragraph Type="Character"><Text>edward (v.O.)</Text></Paragraph>
    <Paragraph Type="Parenthetical"><Text>(closer)</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>Some fish </Text><Text Style="Underline">cannot</Text><Text> be caught.</Text></Paragraph>
    <Paragraph Type="Shot"><Text>angle on the beast</Text></Paragraph>
    <Paragraph><DualDialogue>
      <Paragraph Type="Character"><Text>BRICK</Text></Paragraph>
      <Paragraph Type="Dialogue"><Text>Screw retirement.</Text></Paragraph>
      <Paragraph Type="Character"><Text>STEEL</Text></Paragraph>
      <Paragraph Type="Dialogue"><Text>Screw retirement.</Text></Paragraph>
    </DualDialogue></Paragraph>
    <Paragraph Type="Transition"><Text>cut to:</Text></Paragraph>
    <Paragraph Type="New Act"><Text>act two</Text></Paragraph>
    <Paragraph Number="2A" Type="Scene Heading"><SceneProperties Page="3"/><Text>EXT. RIVER - DAY</Text></Paragraph>
    <Paragraph><Text>A paragraph without a type.</Text></Paragraph>
    <Paragraph Type="Cast List"><Text>Edward Bloom - a storyteller</Text></Paragraph>
    <Paragraph Type="End of Act"><Text>END OF ACT TWO</Text></Paragraph>
    <Paragraph Alignment="Center" Type="General"><Text Style="Bold+Underline">THE END</Text></Paragraph>
  </Content>
  <ElementSettings Type="Scene Heading"><FontSpec Style="AllCaps"/></ElementSettings>
  <ElementSettings Type="Character"><FontSpec Style="AllCaps"/></ElementSettings>
  <ElementSettings Type="Transition"><FontSpec Style="AllCaps"/></ElementSettings>
  <ElementSettings Type="Shot"><FontSpec Style="AllCaps"/></ElementSettings>
  <ElementSettings Type="Action"><FontSpec Style=""/></ElementSettings>
  <TitlePage><Content>
    <Paragraph Alignment="Center"><Text></Text></Paragraph>
    <Paragraph Alignment="Center"><Text Size="36">Big Fish</Text></Paragraph>
    <Paragraph Alignment="Center"><Text>written by</Text></Paragraph>
    <Paragraph Alignment="Center"><Text>John August</Text></Paragraph>
    <Paragraph Alignment="Right"><Text>FINAL DRAFT</Text></Paragraph>
    <Paragraph Alignment="Left"><Text>\t\t\tCopyright © 2003 Columbia</Text></Paragraph>
  </Content></TitlePage>
  <Cast><Narrator Actor="Man 1"/><Member Actor="Man 1" Character="edward"/><Member Character="SANDRA"/></Cast>
</FinalDraft>
"""

MINIMAL = """<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<FinalDraft DocumentType="Script" Template="No" Version="1">
  <Content>
    <Paragraph Type="Scene Heading"><Text>INT. KITCHEN - DAY</Text></Paragraph>
    <Paragraph Type="Character"><Text>ANNA (O.S.)</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>Who's there?</Text></Paragraph>
  </Content>
</FinalDraft>
"""


@pytest.fixture(scope="module")
def genuine() -> Script:
    return fdx.parse(GENUINE.encode())


def _els(scene: Scene, etype: ElementType) -> list[Element]:
    return [e for e in scene.elements if e.type is etype]


def test_genuine_headings_numbers_pages_and_allcaps(genuine: Script) -> None:
    assert genuine.source_format == "fdx"
    assert [s.heading.text for s in genuine.scenes] == ["INT.  DINER - NIGHT", "EXT. RIVER - DAY"]
    assert [s.heading.number for s in genuine.scenes] == ["1", "2A"]
    assert [s.page for s in genuine.scenes] == [1, 3]
    assert genuine.scenes[0].heading.int_ext == "INT"
    assert genuine.preamble[0].text == "**FADE IN**"


def test_genuine_runs_join_and_styles_become_emphasis(genuine: Script) -> None:
    action = _els(genuine.scenes[0], ElementType.ACTION)[0]
    assert action.text == "The waitress pours *hot* coffee. It is _**very**_ late."
    dialogue = _els(genuine.scenes[0], ElementType.DIALOGUE)[0]
    assert dialogue.text == "Some fish _cannot_ be caught."


def test_genuine_cue_upper_cased_with_extensions(genuine: Script) -> None:
    cue = _els(genuine.scenes[0], ElementType.CHARACTER)[0]
    assert (cue.text, cue.extensions, cue.cue_name) == ("EDWARD", ("V.O.",), "EDWARD")
    assert _els(genuine.scenes[0], ElementType.PARENTHETICAL)[0].text == "(closer)"


def test_genuine_dual_dialogue_marks_second_speaker(genuine: Script) -> None:
    cues = _els(genuine.scenes[0], ElementType.CHARACTER)
    assert [(c.text, c.dual) for c in cues] == [("EDWARD", False), ("BRICK", False), ("STEEL", True)]


def test_genuine_other_paragraph_types(genuine: Script) -> None:
    s0, s1 = genuine.scenes
    assert _els(s0, ElementType.TRANSITION)[0].text == "CUT TO:"
    assert _els(s0, ElementType.NOTE)[0].text == "Check the coffee brand."
    assert "ANGLE ON THE BEAST" in [e.text for e in _els(s0, ElementType.ACTION)]
    section = _els(s0, ElementType.SECTION)[0]
    assert (section.text, section.level) == ("ACT TWO", 1)
    assert _els(s1, ElementType.ACTION)[0].text == "A paragraph without a type."
    assert [e.text for e in _els(s1, ElementType.CENTERED)] == ["END OF ACT TWO", "_**THE END**_"]


def test_genuine_title_page_and_cast(genuine: Script) -> None:
    assert genuine.title_page["Title"] == "Big Fish"
    assert genuine.title_page["Credit"] == "written by"
    assert genuine.title_page["Author"] == "John August"
    assert genuine.title_page["Draft date"] == "FINAL DRAFT"
    assert genuine.title_page["Copyright"] == "Copyright © 2003 Columbia"
    assert [c.name for c in genuine.cast] == ["EDWARD BLOOM", "EDWARD", "SANDRA"]
    assert genuine.cast[0].description == "a storyteller"


def test_minimal_generated_file() -> None:
    script = fdx.parse(MINIMAL.encode())
    assert [s.heading.text for s in script.scenes] == ["INT. KITCHEN - DAY"]
    assert script.characters == ["ANNA"]
    assert script.scenes[0].elements[0].extensions == ("O.S.",)
    assert script.title_page == {}


@pytest.mark.parametrize(
    "data, fragment",
    [
        (b"", "empty"),
        (GENUINE.encode()[: len(GENUINE) // 2], "malformed or truncated"),
        (b"<FinalDraft><Content><Paragraph></Content></FinalDraft>", "malformed"),
        (b"<html><body>hello</body></html>", "<html>"),
        (b"<FinalDraft DocumentType='Script'></FinalDraft>", "no <Content>"),
        (b"\x00\x01binary junk", "malformed"),
    ],
)
def test_bad_input_raises_clear_error(data: bytes, fragment: str) -> None:
    with pytest.raises(ScriptImportError) as info:
        fdx.parse(data)
    assert fragment in str(info.value)
    assert "Accepted:" in str(info.value)


def test_entity_expansion_bomb_refused() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                  for i in range(1, 10))
        + ']>\n<FinalDraft><Content><Paragraph Type="Action"><Text>&lol9;</Text></Paragraph>'
        "</Content></FinalDraft>"
    )
    with pytest.raises(ScriptImportError, match="entities"):
        fdx.parse(bomb.encode())


def test_external_entity_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xxe = (
        f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<FinalDraft><Content><Paragraph Type="Action"><Text>&xxe;</Text></Paragraph>'
        "</Content></FinalDraft>"
    )
    with pytest.raises(ScriptImportError, match="entities"):
        fdx.parse(xxe.encode())


def _sample_script() -> Script:
    heading = parse_heading("INT. BAR & GRILL <NORTH> - NIGHT", number="12A")
    scene = Scene(heading, [
        Element(ElementType.ACTION, "Tom's **loud** & *proud* <b>not html</b>\x07."),
        Element(ElementType.CHARACTER, "TOM", extensions=("V.O.",)),
        Element(ElementType.PARENTHETICAL, "(quietly)"),
        Element(ElementType.DIALOGUE, "Say _it_ again."),
        Element(ElementType.CHARACTER, "ANN"),
        Element(ElementType.DIALOGUE, "It."),
        Element(ElementType.CHARACTER, "BOB", dual=True),
        Element(ElementType.DIALOGUE, "It!"),
        Element(ElementType.NOTE, "fix this line"),
        Element(ElementType.TRANSITION, "CUT TO:"),
    ])
    return Script(title_page={"Title": "Bar & Grill", "Author": "Me <me@example.com>"},
                  scenes=[scene], cast=[CastMember("TOM", "a barman")])


def test_render_is_valid_final_draft_xml() -> None:
    out = fdx.render(_sample_script())
    root = ET.fromstring(out.encode())
    assert root.tag == "FinalDraft"
    assert root.attrib == {"DocumentType": "Script", "Template": "No", "Version": "5"}
    heading = root.find("Content/Paragraph[@Type='Scene Heading']")
    assert heading.get("Number") == "12A"
    assert heading.find("Text").text == "INT. BAR & GRILL <NORTH> - NIGHT"
    styles = {t.text: t.get("Style") for t in root.iter("Text") if t.get("Style")}
    assert styles == {"loud": "Bold", "proud": "Italic", "it": "Underline"}
    dual = root.find("Content/Paragraph/DualDialogue")
    assert [p.findtext("Text") for p in dual.findall("Paragraph[@Type='Character']")] == ["ANN", "BOB"]
    titles = [p.findtext("Text") for p in root.find("TitlePage/Content")]
    assert titles == ["Bar & Grill", "Me <me@example.com>"]
    assert "\x07" not in out


def test_round_trip_keeps_headings_cues_dialogue_and_extras() -> None:
    original = _sample_script()
    back = fdx.parse(fdx.render(original).encode())
    assert [s.heading.text for s in back.scenes] == [s.heading.text for s in original.scenes]
    assert back.scenes[0].heading.number == "12A"
    kinds = [(e.type, e.text, e.extensions, e.dual) for e in back.scenes[0].elements]
    assert (ElementType.CHARACTER, "TOM", ("V.O.",), False) in kinds
    assert (ElementType.CHARACTER, "BOB", (), True) in kinds
    assert (ElementType.DIALOGUE, "Say _it_ again.", (), False) in kinds
    assert (ElementType.NOTE, "fix this line", (), False) in kinds
    assert back.title_page["Title"] == "Bar & Grill"
    assert [(c.name, c.description) for c in back.cast] == [("TOM", "a barman")]


def test_real_final_draft_save() -> None:
    path = REAL / "lexington__Big-Fish.fdx"
    if not path.exists():
        pytest.skip("shared/realscripts not present")
    script = fdx.parse(path.read_bytes())
    numbered = [s for s in script.scenes if s.heading.number]
    assert len(numbered) == 202
    assert script.scenes[1].heading.text.startswith("INT.  WILL’S BEDROOM")
    assert "EDWARD" in script.characters and all(c == c.upper() for c in script.characters)
    assert script.title == "Big Fish"
    assert len(script.cast) > 40
    again = fdx.parse(fdx.render(script).encode())
    assert [s.heading.text for s in again.scenes] == [s.heading.text for s in script.scenes]
    assert again.characters == script.characters
