"""YAML files -> data with line numbers; pydantic errors -> ``file:line: field: message``.

:func:`read_yaml` parses a file once with a safe loader that keeps dates as strings, and refuses
what a safe loader lets through: duplicate keys (where the last one would silently win), aliases,
tags beyond plain text, numbers, lists and mappings (``!!binary`` ...), nesting deeper than :data:`accordmap.models.MAX_NESTING`, and control or bidi override characters
in any key or value (:data:`accordmap.models.FORBIDDEN_CHARACTERS`). :func:`validate` checks the
data against a model and words each error for a person; :func:`salvage` keeps the parts of a file
that are valid on their own, so the other files can still be checked against them.
"""

from __future__ import annotations

import bisect
import functools
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
import yaml
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from accordmap import models
from accordmap.models.geography import registry
from accordmap.errors import DataError


Loc = tuple[Any, ...]


# --- reading --------------------------------------------------------------------------------


class _Refused(yaml.YAMLError):
    """A YAML construct accordmap does not accept, at a line."""

    def __init__(self, mark: yaml.Mark, message: str):
        super().__init__(message)
        self.line = mark.line + 1
        self.message = message


class _Loader(yaml.SafeLoader):
    """Safe loader that keeps dates as strings (the models parse and check them), refuses aliases,
    and stops at :data:`~accordmap.models.MAX_NESTING` levels instead of recursing without end."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(event.start_mark, f"the alias *{event.anchor} is not supported (expected the value "
                                             "written out in full; anchors and aliases are not used in accordmap data)")
        collection = self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent)
        self._depth += collection
        try:
            if self._depth > models.MAX_NESTING:
                raise _Refused(self.peek_event().start_mark,
                               f"nested more than {models.MAX_NESTING} levels deep (expected at most "
                               f"{models.MAX_NESTING} levels of lists and mappings)")
            return super().compose_node(parent, index)
        finally:
            self._depth -= collection


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class YamlDoc:
    path: Path
    data: Any
    node: yaml.Node | None
    # where a key or value was refused for its characters: other errors there are not repeated
    refused: set[Loc] = field(default_factory=set)

    def line_of(self, loc: Loc) -> int | None:
        """1-based line of the value at ``loc`` (or of its nearest existing parent)."""
        node, line = self.node, (self.node.start_mark.line + 1 if self.node else None)
        for key in loc:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if k.value == key), None)
                if match is None:
                    # unknown key: point at the key itself
                    match = next((k for k, _ in node.value if k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                match = node.value[key]
            else:
                match = None
            if match is None:
                break
            node, line = match, match.start_mark.line + 1
        return line


# the YAML core schema: anything else (!!binary, !!timestamp, !!set, << merge keys ...) is refused
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")}

# what the YAML reader itself refuses, plus what accordmap refuses, when written into the file as is
_UNREADABLE = yaml.reader.Reader.NON_PRINTABLE


def _character_problem(char: str) -> str:
    if models.FORBIDDEN_CHARACTERS.match(char):
        return models.forbidden_character_problem(char)
    return f"contains the character U+{ord(char):04X}, which YAML does not allow (expected printable text; remove it)"


def read_yaml(path: Path, rel: str) -> tuple[YamlDoc | None, list[DataError]]:
    """Parse one YAML file. None (with the reasons) if it cannot be read unambiguously."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [DataError(rel, None, "(file)", f"cannot be read ({exc.strerror or exc})")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [DataError(rel, line, "(file)", f"byte 0x{raw[exc.start]:02x} is not UTF-8 text (expected a UTF-8 file)")]
    # characters the reader would stop at: note where they are, parse with U+FFFD in their place
    bad = [(m.start(), m.group()) for m in _UNREADABLE.finditer(text)]
    bad += [(m.start(), m.group()) for m in models.FORBIDDEN_CHARACTERS.finditer(text) if not _UNREADABLE.match(m.group())]
    bad.sort()
    if bad:
        text = _UNREADABLE.sub("\ufffd", models.FORBIDDEN_CHARACTERS.sub("\ufffd", text))
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        errors, refused, unreadable = _inspect(node, bad, text, rel)
        if unreadable:
            return None, errors
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        return None, _raw_errors(bad, text, rel) + [DataError(rel, exc.line, "(yaml)", exc.message)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = " ".join((getattr(exc, "problem", None) or str(exc)).split())  # one line per problem
        return None, _raw_errors(bad, text, rel) + [
            DataError(rel, mark.line + 1 if mark else None, "(yaml)", f"malformed YAML: {problem} (expected valid YAML)")
        ]
    except RecursionError:  # a fallback: the nesting limit above should stop this first
        return None, [DataError(rel, None, "(yaml)", f"nested too deeply (expected at most {models.MAX_NESTING} levels)")]
    finally:
        loader.dispose()
    return YamlDoc(path, data, node, refused), errors


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _raw_errors(bad: list[tuple[int, str]], text: str, rel: str) -> list[DataError]:
    return [DataError(rel, _line_at(text, index), "(text)", _character_problem(char)) for index, char in bad]


def _inspect(root: yaml.Node | None, bad: list[tuple[int, str]], text: str,
             rel: str) -> tuple[list[DataError], set[Loc], bool]:
    """Walk the node tree (without recursion): duplicate keys, tags, refused characters in keys and values.

    Returns the errors in file order, the locations refused for their characters, and whether the
    file cannot be read as plain data: a mapping repeats a key (the last one would silently win)
    or a tag asks for something else (``!!binary`` text, ``<<`` merge keys, ``!!set`` ...).
    """
    found: list[tuple[int, int, DataError]] = []  # (line, order, error)
    refused: set[Loc] = set()
    unreadable = False
    positions = [index for index, _ in bad]
    claimed: set[int] = set()

    def check_scalar(node: yaml.ScalarNode, loc: Loc, is_key: bool = False) -> None:
        first = bisect.bisect_left(positions, node.start_mark.index)
        last = bisect.bisect_left(positions, node.end_mark.index)
        problem, shown = None, loc
        if first < last:  # written into the file as is (and parsed as U+FFFD)
            claimed.update(range(first, last))
            problem = _character_problem(bad[first][1])
            if is_key:  # name the key as written
                pieces = node.value.split("\ufffd")
                if len(pieces) == last - first + 1:
                    written = pieces[0] + "".join(bad[first + i][1] + piece for i, piece in enumerate(pieces[1:]))
                    shown = loc[:-1] + (written,)
        elif isinstance(node.value, str):  # written as an escape such as "\u202e"
            problem = models.forbidden_character_problem(node.value)
        if problem:
            refused.add(loc)
            found.append((node.start_mark.line + 1, len(found), DataError(rel, node.start_mark.line + 1, field_name(shown), problem)))

    def plain(node: yaml.Node, loc: Loc) -> bool:
        nonlocal unreadable
        if node.tag in _PLAIN_TAGS:
            return True
        unreadable = True
        tag = ("a << merge key" if node.tag.endswith(":merge")
               else f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')}")
        found.append((node.start_mark.line + 1, len(found), DataError(
            rel, node.start_mark.line + 1, field_name(loc),
            f"{tag} is not supported (expected text, numbers, true/false, null, lists and mappings)")))
        return False

    stack: list[tuple[yaml.Node, Loc]] = [(root, ())] if root is not None else []
    while stack:
        node, loc = stack.pop()
        if not plain(node, loc):
            continue
        if isinstance(node, yaml.MappingNode):
            seen: dict[tuple[str, str], int] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and not plain(key_node, loc + (key_node.value,)):
                    continue
                if isinstance(key_node, yaml.ScalarNode):
                    key, line = key_node.value, key_node.start_mark.line + 1
                    if (key_node.tag, key) in seen:
                        unreadable = True
                        found.append((line, len(found), DataError(
                            rel, line, field_name(loc + (key,)),
                            f"duplicate key {key!r} (first at line {seen[key_node.tag, key]}; expected each key once in a mapping)")))
                    seen.setdefault((key_node.tag, key), line)
                    check_scalar(key_node, loc + (key,), is_key=True)
                else:
                    key = "(key)"
                    stack.append((key_node, loc + (key,)))
                stack.append((value_node, loc + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, loc + (index,)) for index, item in enumerate(node.value))
        elif isinstance(node, yaml.ScalarNode):
            check_scalar(node, loc)
    # characters outside every key and value (in a comment, say)
    for number, (index, char) in enumerate(bad):
        if number not in claimed:
            found.append((_line_at(text, index), len(found), DataError(rel, _line_at(text, index), "(text)", _character_problem(char))))
    return [error for _, _, error in sorted(found, key=lambda item: item[:2])], refused, unreadable


# --- field names and messages ---------------------------------------------------------------

_GEOGRAPHY_TAGS = tuple(registry.KINDS)  # the tags of the discriminated union: the kinds
_KINDS_TEXT = ", ".join(registry.KINDS).rsplit(", ", 1)
_KINDS_TEXT = " or ".join(_KINDS_TEXT)


def field_name(loc: Loc) -> str:
    """('provisions', 0, 'geography', 'min_km') -> 'provisions[0].geography.min_km'."""
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{item}]"]
        elif item in _GEOGRAPHY_TAGS and parts and parts[-1].startswith("geography"):
            continue  # pydantic's tag of the discriminated union, not a key in the file
        else:
            parts.append(str(item))
    return ".".join(parts) or "(top level)"


def _model_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys allowed in the mapping at ``loc`` (for 'unknown key' messages)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        elif part in _GEOGRAPHY_TAGS:
            current = registry.KINDS[part]
            continue
        else:
            return []
        current = _unwrap(current)
    if not (isinstance(current, type) and issubclass(current, BaseModel)):
        return []
    return [info.alias or name for name, info in current.model_fields.items()]  # as in the file ('except')


def _unwrap(annotation: Any) -> Any:
    """list[X] / X | None / Annotated[X, ...] -> X (the first model found)."""
    for _ in range(6):
        args = typing.get_args(annotation)
        if not args:
            return annotation
        models_in = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        annotation = models_in[0] if models_in else next((a for a in args if a is not type(None)), args[0])
    return annotation


_EXPECTED_BY_TYPE = {
    "missing": "required key is missing (expected it in this mapping)",
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "dict_type": "expected a mapping of keys to values",
    "model_type": "expected a mapping of keys to values",
    "model_attributes_type": "expected a mapping of keys to values",
    "url_parsing": "expected an http(s) URL",
    "url_scheme": "expected an http(s) URL",
    "union_tag_invalid": f"expected kind: {_KINDS_TEXT}",
    "union_tag_not_found": f"expected a kind key: {_KINDS_TEXT}",
}

_PATTERN_PROBLEMS = {
    models.ID_PATTERN: "is not a valid id (expected lower case letters, digits, '-' or '_')",
    models.COLOR_PATTERN: "is not a colour (expected #rrggbb, e.g. '#1f3a93')",
    models.FILE_PATTERN: "is not a GeoJSON file name (expected letters, digits, '.', '_' or '-', ending in .geojson)",
}


def _describe(err: dict[str, Any], model: type[BaseModel]) -> str:
    """One pydantic error as 'what is wrong (expected ...)'."""
    kind, loc = err["type"], tuple(err["loc"])
    got = err.get("input")
    got_text = f"{got!r}" if not isinstance(got, (dict, list)) else type(got).__name__
    if kind == "extra_forbidden":
        allowed = _model_keys(model, loc[:-1])
        hint = f"expected one of: {', '.join(allowed)}" if allowed else "expected a key listed in the README"
        return f"unknown key ({hint}; check its spelling)"
    if kind == "missing":
        return _EXPECTED_BY_TYPE[kind]
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        return f"{ctx.get('tag')!r} is not a kind of geography (expected one of {ctx.get('expected_tags')})"
    if kind in _EXPECTED_BY_TYPE:
        return f"wrong value {got_text} ({_EXPECTED_BY_TYPE[kind]})"
    message = err["msg"].removeprefix("Value error, ")
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{got_text} is not allowed (expected one of {expected})"
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern")
        return f"{got_text} {_PATTERN_PROBLEMS.get(pattern, f'does not match {pattern} (expected text of that form)')}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal", "too_short", "too_long",
                "string_too_short"):
        return f"wrong value {got_text} ({message[0].lower()}{message[1:]})".replace("(input should be", "(expected")
    if "(expected" not in message:
        message += f" (got {got_text})" if not isinstance(got, (dict, list)) else ""
    return message


def _clean(loc: Loc) -> Loc:
    return tuple(p for p in loc if p not in _GEOGRAPHY_TAGS)


# --- validating -----------------------------------------------------------------------------


def validate(doc: YamlDoc, rel: str, model: type[BaseModel],
             context: dict[str, Any] | None = None) -> tuple[BaseModel | None, list[DataError]]:
    """The whole file as ``model``, or None with every error in it (``context``: pydantic's validation
    context, e.g. the vocabularies terms are checked against, see accordmap.models.terms)."""
    if not isinstance(doc.data, dict):
        return None, [DataError(rel, 1, "(top level)", "the file is not a mapping (expected keys and values, see the README)")]
    try:
        return model.model_validate(doc.data, context=context), []
    except ValidationError as exc:
        errors = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            if err["type"] == "union_tag_invalid":
                loc += ("kind",)  # point at the kind key, not the whole mapping
            if _clean(loc) in doc.refused:
                continue  # its characters are reported already
            errors.append(DataError(rel, doc.line_of(_clean(loc)), field_name(loc), _describe(err, model)))
        return None, errors


@functools.cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    info = model.model_fields[name]
    config = ConfigDict(str_strip_whitespace=True, allow_inf_nan=False)
    return TypeAdapter(Annotated[info.annotation, info], config=config)


def _list_item_model(annotation: Any) -> type[BaseModel] | None:
    """list[X] (possibly inside Annotated) -> X when X is a model."""
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        while typing.get_origin(item) is Annotated:
            item = typing.get_args(item)[0]
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
    return None


def salvage(data: Any, model: type[BaseModel], context: dict[str, Any] | None = None) -> BaseModel | None:
    """The parts of ``data`` that are valid on their own, as ``model`` built without validation.

    Keeps each field that validates and, of a list of mappings that does not, the items that
    validate one by one, with None in place of the others (so indexes still match the file). A
    required field that is invalid is left unset: read the result with ``getattr(value, name, None)``. Used only to check the other files against a file that has
    errors; it is never published.
    """
    if not isinstance(data, dict):
        return None
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        try:
            values[name] = _field_adapter(model, name).validate_python(data[name], context=context)
        except ValidationError:
            item_model = _list_item_model(info.annotation)
            if item_model is not None and isinstance(data[name], list):
                values[name] = [_valid_or_none(item_model, item, context) for item in data[name]]
    return model.model_construct(**values)


def _valid_or_none(model: type[BaseModel], raw: Any, context: dict[str, Any] | None = None) -> BaseModel | None:
    try:
        return model.model_validate(raw, context=context)
    except ValidationError:
        return None
