"""One way to say what is wrong with a validated settings file (params, pilot
definitions): one line per problem, naming the key.

>>> from pydantic import BaseModel, ConfigDict, ValidationError
>>> class Goal(BaseModel):
...     model_config = ConfigDict(extra="forbid")
...     target: float
>>> try:
...     Goal(targte=1)
... except ValidationError as exc:
...     print("\\n".join(problem_lines(exc)))
  target: required key is missing
  targte: unknown key (misspelt?)
"""

from __future__ import annotations

from pydantic import ValidationError


def problem_lines(exc: ValidationError, top: str = "(top level)") -> list[str]:
    """Indented lines ``key: problem`` for every error pydantic found."""
    lines = []
    for err in exc.errors():
        key = ".".join(str(part) for part in err["loc"]) or top
        if err["type"] == "extra_forbidden":
            lines.append(f"  {key}: unknown key (misspelt?)")
        elif err["type"] == "missing":
            lines.append(f"  {key}: required key is missing")
        else:
            lines.append(f"  {key}: {err['msg']}")
    return lines
