"""The page a screenplay PDF is laid out on (US Letter, Courier 12 pt), shared by import and export."""

from __future__ import annotations

import re

# Page geometry in points (Letter, Courier 12 pt: 10 characters an inch, 6 lines an inch).
PAGE_W, PAGE_H = 612.0, 792.0
CHAR_W, LINE_H = 7.2, 12.0
LEFT, RIGHT = 108.0, 540.0  # 1.5 in left margin, 1 in right margin
LINES_PER_PAGE = 55
TOP_BASELINE = PAGE_H - 72.0 - 9.0
INDENT = {"dialogue": 180.0, "paren": 216.0, "cue": 252.0}
WIDTH = {"action": 60, "dialogue": 35, "paren": 25, "cue": 38, "dual": 26}

MORE, CONTD = "(MORE)", "(CONT'D)"
CONTD_RE = re.compile(r"\(\s*CONT[’']?D\s*\)|\(\s*CONTINUED\s*\)", re.I)
