"""Reading and writing files safely: every input and output of every command goes through here.

Reading refuses what is not a regular file (a FIFO would hang, /dev/zero would fill memory, a
directory named x.yaml is a mistake) before opening it, and reads at most the size limit, so a
file that is too large or still growing is refused without being read whole. Writing goes to a
temporary file in the target's directory and is renamed over the target: a report is complete
or absent, never half written.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import stat
import tempfile
from pathlib import Path

from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.limits import FILE_BYTES, Limit
from piarules.pattern_store import compiled
from piarules.span import Span
from piarules.visible import visible

_KINDS = (
    (stat.S_ISDIR, "ディレクトリです (ファイルを指定してください)"),
    (stat.S_ISFIFO, "名前付きパイプ (FIFO) です。通常のファイルだけを読みます"),
    (stat.S_ISCHR, "デバイスです。通常のファイルだけを読みます"),
    (stat.S_ISBLK, "デバイスです。通常のファイルだけを読みます"),
    (stat.S_ISSOCK, "ソケットです。通常のファイルだけを読みます"),
)


def display_path(path: str | os.PathLike[str]) -> str:
    """A file name as messages and reports show it: bytes that are not UTF-8 as `\\xff`,
    control and bidi characters escaped (a name must not break a line or a JSON string)."""
    return visible(os.fspath(path), keep="\t")


def _fail(code: str, name: str, message: str) -> PiarulesError:
    return PiarulesError([Diagnostic(code, message, Span.point(name, 1, 1))])


def _refuse_special(mode: int, name: str, what: str) -> None:
    for test, message in _KINDS:
        if test(mode):
            raise _fail("PIA501", name, f"{what}を読めません: {message}")


def read_input(path: str | os.PathLike[str], what: str = "ファイル", limit: Limit = FILE_BYTES) -> bytes:
    """The bytes of a regular file no larger than `limit`.

    Raises:
        PiarulesError: missing or unreadable file, not a regular file (PIA501), too large (PIA306).
    """
    name = display_path(path)
    maximum = limit.value()
    try:
        _refuse_special(os.stat(path).st_mode, name, what)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise _fail("PIA501", name, f"{what}を読めません: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        _refuse_special(info.st_mode, name, what)  # replaced between stat and open
        if info.st_size > maximum:
            raise _too_large(name, info.st_size, limit, maximum)
        try:
            data = file.read(maximum + 1)
        except OSError as exc:
            raise _fail("PIA501", name, f"{what}を読めません: {exc.strerror}") from None
    if len(data) > maximum:  # grew while we read
        raise _too_large(name, len(data), limit, maximum)
    return data


def _too_large(name: str, size: int, limit: Limit, maximum: int) -> PiarulesError:
    return _fail("PIA306", name, f"ファイルが大きすぎます ({size:,} バイト以上、上限 {maximum:,} バイト。"
                                 f"環境変数 {limit.env} で変えられます)")


def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write UTF-8 text (or bytes: an .xlsx) to `path` through a temporary file in the same
    directory and a rename.

    Raises:
        PiarulesError: the path is a directory, or its directory is missing or not writable (PIA501).
    """
    output = AtomicOutput(path)
    try:
        if isinstance(text, bytes):
            output.file.flush()
            output.file.buffer.write(text)
        else:
            output.file.write(text)
    except BaseException:
        output.discard()
        raise
    output.commit()


class AtomicOutput:
    """A file written in pieces that appears whole or not at all: the text goes to a temporary
    file in the same directory, renamed onto `path` by `commit()` (`discard()` drops it).

    Raises:
        PiarulesError: the path is a directory, or its directory is missing or not writable (PIA501).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.name = display_path(path)
        self.target = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
        if self.target.is_dir():
            raise _fail("PIA501", self.name, f"{self.name} はディレクトリです。出力するファイルの名前を指定してください")
        try:
            self.mode = stat.S_IMODE(self.target.stat().st_mode) if self.target.exists() else _default_mode()
            fd, self.tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=self.target.parent)
        except OSError as exc:
            raise _fail("PIA501", self.name, f"{self.name} に書き込めません: {exc.strerror}") from None
        self.file = os.fdopen(fd, "w", encoding="utf-8", newline="")

    def commit(self) -> None:
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            os.chmod(self.tmp, self.mode)
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self.discard()
            raise _fail("PIA501", self.name, f"{self.name} に書き込めません: {exc.strerror}") from None
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)


def _default_mode() -> int:
    """The mode a new file gets (0666 less the umask), as `open()` would give it."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


LINE_BREAK = compiled("\r\n|[\n\r\x85\u2028\u2029]")
"""Line breaks as the YAML parser counts them (libyaml: CR LF, CR, LF, NEL, LS, PS)."""


def split_lines(text: str) -> list[str]:
    """Lines as the YAML parser counts them (CR LF, CR, LF, NEL, LS, PS), so that line numbers in
    diagnostics and the code frames shown under them agree. Not str.splitlines: that also
    splits on form feeds and other separators the parser does not count."""
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def read_lines(path: str | os.PathLike[str]) -> list[str] | None:
    """A text file's lines for code frames, or None if it is unreadable or not text."""
    try:
        raw = read_input(path)
    except PiarulesError:
        return None
    try:
        return split_lines(decode(raw, ""))
    except PiarulesError:  # binary (an .xlsx) or undecodable: no code frame rather than garbage
        return None


def decode(raw: bytes, path: str) -> str:
    """Bytes → text: UTF-8 (with or without BOM), UTF-16 with a BOM, else CP932; a clear error otherwise."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16").replace("\r\n", "\n")
        except UnicodeDecodeError:
            pass
    if (nul := raw.find(b"\x00")) >= 0:
        before = raw[:nul].decode("utf-8", errors="replace")
        line, col = line_col(before, len(before))
        raise PiarulesError([Diagnostic("PIA308", "NUL 文字 (U+0000) があります。テキストファイルではありません (バイナリ)",
                                        Span.point(path, line, col), help="UTF-8 のテキストとして保存してください")])
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding).replace("\r\n", "\n")
        except UnicodeDecodeError:
            continue
    raise PiarulesError([Diagnostic("PIA308", "文字コードを判別できません", Span.point(path, 1, 1),
                                    help="UTF-8 で保存してください")])


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text` (line breaks as split_lines counts them)."""
    line, start = 1, 0
    for m in LINE_BREAK.finditer(text, 0, offset):
        line, start = line + 1, m.end()
    return line, offset - start + 1
