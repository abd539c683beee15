"""Legal citations as structured values, and a law timeline as data.

- `statutes`: the statute table (names, abbreviations, law numbers; local ordinances of any body).
- `statute_names`, `sentences`, `citations`: `parse_citations(text)` → `Citation` values with spans and
  sentence context (names found first, then the references that follow them).
- `timeline`: what each provision meant when; `judge(citation, on, ...)` → `CitationVerdict`.
- `forms`: the citation forms a section requires (for the 情報連携 and 個人番号の利用 bases).
"""
