"""Feedback taxonomies: tags with Chinese and English keywords, each tied to a process stage.

A taxonomy is YAML (or the same structure as a mapping)::

    version: 1
    tags:
      - id: slow_refund            # lower-case letters, digits, underscores
        label_en: Slow refund
        label_zh: 退款慢
        kind: process              # product / service / process / other
        stage: refund              # as the events table spells it; null: no one stage
        keywords_zh: [退款太慢, 退款*处理中]
        keywords_en: [waiting for my refund]

The default (``taxonomy_default.yaml``, shipped with the package) covers the demo
industries; its header explains how keywords match. A unit extends it from its params
with the same structure plus ``remove``::

    remove: [price_value]          # default tags the unit does not want
    tags:
      - id: slow_refund            # an existing id: keywords are added, other keys replace
        keywords_zh: [退款还没到]
      - id: gift_card              # a new id: a complete tag, appended
        ...

To replace a default tag's keywords outright, remove it and add it back under its id.
Every problem is reported at once, naming the tag and the key.

Examples
--------
>>> from svcinsight import feedback
>>> t = feedback.load_taxonomy(extend={"tags": [{"id": "slow_refund", "keywords_zh": ["钱没退回"]}]})
>>> t["slow_refund"].stage, "钱没退回" in t["slow_refund"].keywords_zh
('refund', True)
>>> feedback.load_taxonomy({"tags": [{"id": "x", "label_en": "X", "label_zh": "X",
...                                   "kind": "mood", "stage": None, "keywords_en": ["x"]}]})
Traceback (most recent call last):
...
svcinsight.feedback.taxonomy.TaxonomyError: invalid taxonomy:
  tag 'x': kind: Input should be 'product', 'service', 'process' or 'other'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from svcinsight.feedback.text import normalize_one

KINDS: tuple[str, ...] = ("process", "service", "product", "other")
DEFAULT_FILE = "taxonomy_default.yaml"

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_MERGED_LISTS = ("keywords_zh", "keywords_en")


class TaxonomyError(ValueError):
    """A taxonomy is unreadable or invalid; the message names each tag and key at fault."""


class Tag(BaseModel):
    """One tag: what customers mention, in which words, and at which stage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label_en: str
    label_zh: str
    kind: Literal["product", "service", "process", "other"]
    stage: str | None
    keywords_zh: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("use lower-case letters, digits and underscores, starting with a letter")
        return value

    @field_validator("label_en", "label_zh", "stage")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be blank")
        return value.strip() if value is not None else None

    @field_validator("keywords_zh")
    @classmethod
    def _chinese(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for keyword in value:
            _check_keyword(keyword)
            if not _CJK.search(keyword):
                raise ValueError(f"{keyword!r} has no Chinese character (English goes in keywords_en)")
            if any(not part.strip() for part in keyword.strip().split("*")):
                # A gap at either end would swallow neighbouring text: it must join two parts.
                raise ValueError(f"{keyword!r}: '*' must stand between two parts")
        return tuple(k.strip() for k in value)

    @field_validator("keywords_en")
    @classmethod
    def _english(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for keyword in value:
            _check_keyword(keyword)
            if _CJK.search(keyword):
                raise ValueError(f"{keyword!r} has Chinese characters (they go in keywords_zh)")
            if not re.search(r"[A-Za-z0-9]", keyword):
                raise ValueError(f"{keyword!r} has no letter or digit")
            if re.search(r"\*(?=\S)|(?<!\S)\*", keyword.strip()):
                raise ValueError(f"{keyword!r}: '*' may only end a word")
        return tuple(k.strip() for k in value)

    @model_validator(mode="after")
    def _has_keywords(self) -> Tag:
        if not self.keywords_zh and not self.keywords_en:
            raise ValueError("needs at least one keyword in keywords_zh or keywords_en")
        return self


def _check_keyword(keyword: str) -> None:
    if not isinstance(keyword, str) or not keyword.replace("*", "").strip():
        raise ValueError(f"{keyword!r} is empty")


@dataclass(frozen=True)
class Taxonomy:
    """Validated tags in order (the order breaks ties for the primary tag).

    Examples
    --------
    >>> from svcinsight import feedback
    >>> t = feedback.load_taxonomy()
    >>> "qc_delay" in t, t["qc_delay"].kind
    (True, 'process')
    >>> t.to_frame().columns.tolist()
    ['id', 'label_en', 'label_zh', 'kind', 'stage', 'keywords_zh', 'keywords_en']
    """

    tags: tuple[Tag, ...]

    def __iter__(self) -> Iterator[Tag]:
        return iter(self.tags)

    def __len__(self) -> int:
        return len(self.tags)

    def __contains__(self, tag_id: object) -> bool:
        return any(t.id == tag_id for t in self.tags)

    def __getitem__(self, tag_id: str) -> Tag:
        for tag in self.tags:
            if tag.id == tag_id:
                return tag
        raise KeyError(f"no tag {tag_id!r} in the taxonomy")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tags)

    @property
    def stages(self) -> tuple[str, ...]:
        """The distinct stages tags point to, in order of first appearance."""
        return tuple(dict.fromkeys(t.stage for t in self.tags if t.stage is not None))

    def to_frame(self) -> pd.DataFrame:
        """One row per tag, keywords as lists."""
        return pd.DataFrame(
            [{**t.model_dump(), "keywords_zh": list(t.keywords_zh),
              "keywords_en": list(t.keywords_en)} for t in self.tags],
            columns=["id", "label_en", "label_zh", "kind", "stage", "keywords_zh", "keywords_en"],
        )

    def patterns(self) -> dict[str, str]:
        """Tag id -> the regular expression :func:`~svcinsight.feedback.tag` runs over
        normalised comments (see the default file's header for the rules).

        Examples
        --------
        >>> t = load_taxonomy({"tags": [{"id": "refund", "label_en": "Refund", "label_zh": "退款",
        ...     "kind": "process", "stage": "refund", "keywords_zh": ["退款*慢"],
        ...     "keywords_en": ["refund"]}]})
        >>> import re
        >>> bool(re.search(t.patterns()["refund"], "refunded late"))
        True
        """
        return {tag.id: _tag_pattern(tag) for tag in self.tags}


def load_taxonomy(path_or_dict=None, *, extend=None) -> Taxonomy:
    """The default taxonomy, or one from a file or mapping, with a unit's extension merged.

    Parameters
    ----------
    path_or_dict : str, pathlib.Path, mapping, Taxonomy or None
        The base taxonomy: ``None`` for the default shipped with svcinsight, a YAML
        path, or the same structure as a mapping (``{"tags": [...]}``).
    extend : str, pathlib.Path, mapping, list of tag mappings, or None
        A unit's extension (from its params): ``tags`` to add or amend and ``remove``,
        a list of tag ids to drop. A tag whose id exists gets the keywords added and
        any other key given replaced; a new id must be a complete tag.

    Returns
    -------
    Taxonomy

    Raises
    ------
    TaxonomyError
        Listing every invalid tag with the key at fault, duplicate ids, unknown
        top-level keys, or removals of tags that do not exist.

    Examples
    --------
    >>> from svcinsight import feedback
    >>> t = feedback.load_taxonomy(extend={"remove": ["price_value"], "tags": [
    ...     {"id": "gift_card", "label_en": "Gift card", "label_zh": "礼品卡", "kind": "product",
    ...      "stage": None, "keywords_zh": ["礼品卡"], "keywords_en": ["gift card"]}]})
    >>> "price_value" in t, t.ids[-1]
    (False, 'gift_card')
    """
    if isinstance(path_or_dict, Taxonomy) and extend is None:
        return path_or_dict
    if isinstance(path_or_dict, Taxonomy):
        base = [t.model_dump() for t in path_or_dict]
    else:
        raw = _read(path_or_dict, "taxonomy") if path_or_dict is not None else _read_default()
        base = _tag_list(raw, "taxonomy", allow_remove=False)
    if extend is not None:
        raw_extension = _read(extend, "extension")
        base = _merge(base, raw_extension)
    return _validate(base)


def _read_default() -> Any:
    text = resources.files("svcinsight.feedback").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _read(source, what: str) -> Any:
    if isinstance(source, (Mapping, list, tuple)):
        return {"tags": list(source)} if isinstance(source, (list, tuple)) else source
    path = Path(source)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TaxonomyError(f"{what} file {path} does not exist") from None
    except yaml.YAMLError as error:
        raise TaxonomyError(f"{what} file {path} is not valid YAML: {error}") from None


def _tag_list(raw: Any, what: str, *, allow_remove: bool) -> list[dict]:
    if not isinstance(raw, Mapping):
        raise TaxonomyError(f"{what}: expected a mapping with a 'tags' list, got {type(raw).__name__}")
    allowed = {"version", "tags"} | ({"remove"} if allow_remove else set())
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise TaxonomyError(f"{what}: unknown key(s) {', '.join(map(repr, unknown))}; "
                            f"expected {', '.join(sorted(allowed))}")
    tags = raw.get("tags") or []
    if not isinstance(tags, Sequence) or isinstance(tags, str):
        raise TaxonomyError(f"{what}: 'tags' must be a list of tags")
    for i, tag in enumerate(tags):
        if not isinstance(tag, Mapping):
            raise TaxonomyError(f"{what}: tags[{i}] must be a mapping, got {type(tag).__name__}")
    return [dict(tag) for tag in tags]


def _merge(base: list[dict], raw: Any) -> list[dict]:
    additions = _tag_list(raw, "extension", allow_remove=True)
    remove = raw.get("remove") or []
    if isinstance(remove, str):
        remove = [remove]
    known = {tag.get("id") for tag in base}
    missing = [r for r in remove if r not in known]
    if missing:
        raise TaxonomyError(f"extension: remove names tags that do not exist: {', '.join(map(repr, missing))}")
    merged = [tag for tag in base if tag.get("id") not in set(remove)]
    position = {tag.get("id"): i for i, tag in enumerate(merged)}
    for addition in additions:
        tag_id = addition.get("id")
        if tag_id in position:
            current = dict(merged[position[tag_id]])
            for key, value in addition.items():
                if key in _MERGED_LISTS and isinstance(value, (list, tuple)):
                    current[key] = list(dict.fromkeys([*current.get(key, ()), *value]))
                else:
                    current[key] = value
            merged[position[tag_id]] = current
        else:
            position[tag_id] = len(merged)
            merged.append(addition)
    return merged


def _validate(raw_tags: list[dict]) -> Taxonomy:
    problems, tags, seen = [], [], set()
    for i, raw in enumerate(raw_tags):
        name = repr(raw["id"]) if isinstance(raw.get("id"), str) else f"#{i + 1}"
        try:
            tag = Tag.model_validate(raw)
        except ValidationError as error:
            for issue in error.errors():
                key = ".".join(str(part) for part in issue["loc"]) or "tag"
                message = issue["msg"].removeprefix("Value error, ")
                problems.append(f"tag {name}: {key}: {message}")
            continue
        if tag.id in seen:
            problems.append(f"tag {name}: id: duplicate id")
            continue
        seen.add(tag.id)
        tags.append(tag)
    if problems:
        raise TaxonomyError("invalid taxonomy:\n  " + "\n  ".join(problems))
    if not tags:
        raise TaxonomyError("invalid taxonomy: it has no tags")
    return Taxonomy(tuple(tags))


# --- keyword -> regular expression ----------------------------------------------------------
# Patterns avoid what makes pandas fall back from Arrow's RE2 engine to Python's re (50x
# slower here): lookarounds, \s, and $ on text with newlines. A guard character is
# consumed instead of a lookbehind, which is harmless for "contains"; line breaks become
# 。 before matching (see for_matching). English negation is marked in the text itself,
# so "not friendly" reads "not_friendly" and no longer matches "friendly".

_ZH_GAP = r"[^。!?;,\n]{0,8}"
_ZH_NEGATORS = "不没无未"
_EN_BEFORE = r"(?:^|[^a-z0-9_])"
_EN_AFTER = r"(?:$|[^a-z0-9_])"
_EN_BETWEEN = r"[ \t_\-]+"
_NEGATION = r"(^|[^a-z0-9_'])(not|no|never)[ \t]+"
_NEGATION_CONTRACTED = r"(n't)[ \t]+"


def for_matching(normalized: pd.Series) -> pd.Series:
    """Normalised comments as the tag patterns expect them: line breaks as 。, and each
    English negator joined to the next word ("not friendly" -> "not_friendly").

    Examples
    --------
    >>> import pandas as pd
    >>> for_matching(pd.Series(["not friendly", "didn't reply", "no one\\nok"])).tolist()
    ['not_friendly', "didn't_reply", 'no_one。ok']
    """
    text = normalized.str.replace(r"[\r\n\v\f\u2028\u2029]+", "。", regex=True)
    text = text.str.replace(_NEGATION, r"\1\2_", regex=True)
    return text.str.replace(_NEGATION_CONTRACTED, r"\1_", regex=True)


def _zh_pattern(keyword: str) -> str:
    keyword = normalize_one(keyword)
    body = _ZH_GAP.join(re.escape(part) for part in keyword.split("*"))
    if keyword[0] in _ZH_NEGATORS:
        return body
    return f"(?:^|[^{_ZH_NEGATORS}]){body}"


def _escape_word(word: str, *, last: bool) -> str:
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"[a-z0-9']*"
    if not last:
        return re.escape(word)
    # The last word's plain inflections: -s, -es, -ed, -ing (e-dropping for -e words).
    if word.endswith("e"):
        return re.escape(word[:-1]) + r"(?:e|es|ed|ing)"
    return re.escape(word) + r"(?:s|es|ed|ing)?"


def _en_pattern(keyword: str) -> str:
    words = normalize_one(keyword).split()
    body = _EN_BETWEEN.join(_escape_word(w, last=i == len(words) - 1) for i, w in enumerate(words))
    return _EN_BEFORE + body + _EN_AFTER


def _tag_pattern(tag: Tag) -> str:
    alternatives = [*map(_zh_pattern, tag.keywords_zh), *map(_en_pattern, tag.keywords_en)]
    return "|".join(f"(?:{a})" for a in alternatives)
