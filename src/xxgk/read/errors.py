"""The one error a reader raises: a file that cannot be read, with why and what to do."""

from __future__ import annotations


_CONTROLS = {c: f"\\x{c:02x}" for c in range(32)}
_CONTROLS.update({10: "\\n", 13: "\\r", 9: "\\t"})


def _one_line(text: str) -> str:
    """A cause or hint on one line (a library's message may span several)."""
    return " ".join(text.split()) if text and ("\n" in text or "\r" in text) else text


class ReadError(Exception):
    """A file xxgk cannot read.  ``str()`` is the one-line message users see."""

    def __init__(self, path: str, cause: str, hint: str = "", cause_en: str = "", hint_en: str = ""):
        self.path = path
        self.cause = cause
        self.hint = hint
        self.cause_en = cause_en or cause
        self.hint_en = hint_en or hint
        super().__init__(self.message())

    def __reduce__(self):  # it crosses process boundaries (budgeted workers)
        return (type(self), (self.path, self.cause, self.hint, self.cause_en, self.hint_en))

    def message(self, lang: str = "zh") -> str:
        """One line, always: a path holding a line break shows it escaped (``\\n``)."""
        path = str(self.path).translate(_CONTROLS)
        if lang == "en":
            parts = [f"{path}: {_one_line(self.cause_en)}"]
            if self.hint_en:
                parts.append(_one_line(self.hint_en))
            return " — ".join(parts)
        parts = [f"{path}：{_one_line(self.cause)}"]
        if self.hint:
            parts.append(_one_line(self.hint))
        return "——".join(parts)
