"""The one error a reader raises: a file that cannot be read, with why and what to do."""

from __future__ import annotations


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
        if lang == "en":
            parts = [f"{self.path}: {self.cause_en}"]
            if self.hint_en:
                parts.append(self.hint_en)
            return " — ".join(parts)
        parts = [f"{self.path}：{self.cause}"]
        if self.hint:
            parts.append(self.hint)
        return "——".join(parts)
