"""A small condition language for routing and escalation rules, with a real parser.

Policies say *when* a rule applies in a line a supervisor can read::

    priority >= "high" and platform in ["x", "bluesky"]
    "legal" in labels or (hostile and waited_minutes > 10)

The grammar (no ``eval``, ever)::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := value (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in") value)?
    value   := NAME | STRING | NUMBER | "true" | "false" | "[" (value ("," value)*)? "]"
             | "(" expr ")"

Names are looked up in the facts a rule is evaluated against; an unknown name
is an error when the condition is parsed against a known vocabulary. Priority
names compare by rank (``"low" < "normal" < "high" < "urgent"``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from socialcx.errors import ValidationError

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false"}
_PRIORITY_RANK = {"low": 0, "normal": 1, "high": 2, "urgent": 3}
_MAX_LENGTH = 2000


class ConditionError(ValidationError):
    """A condition that does not parse; the message shows where."""


@attrs.frozen
class _Tok:
    kind: str
    text: str
    pos: int


def _tokenize(text: str) -> list[_Tok]:
    tokens = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ConditionError(f"unexpected character {text[pos:].lstrip()[:1]!r} at {pos}")
        group = match.lastgroup or ""
        value = match.group(group)
        kind = value if group == "name" and value in _KEYWORDS else group
        tokens.append(_Tok(kind, value, match.start(group)))
        pos = match.end()
    tokens.append(_Tok("end", "", len(text)))
    return tokens


# AST nodes are tuples: ("or", a, b), ("and", a, b), ("not", a), ("cmp", op, a, b),
# ("name", str), ("lit", value), ("list", [nodes]).
Node = tuple[Any, ...]


@attrs.define
class _Parser:
    tokens: list[_Tok]
    i: int = 0

    def peek(self) -> _Tok:
        return self.tokens[self.i]

    def take(self, kind: str | None = None) -> _Tok:
        tok = self.tokens[self.i]
        if kind is not None and tok.kind != kind:
            found = tok.text or "end of condition"
            raise ConditionError(f"expected {kind!r} at {tok.pos}, found {found!r}")
        self.i += 1
        return tok

    def expr(self) -> Node:
        node = self.conj()
        while self.peek().kind == "or":
            self.take()
            node = ("or", node, self.conj())
        return node

    def conj(self) -> Node:
        node = self.neg()
        while self.peek().kind == "and":
            self.take()
            node = ("and", node, self.neg())
        return node

    def neg(self) -> Node:
        if self.peek().kind == "not":
            self.take()
            return ("not", self.neg())
        return self.compare()

    def compare(self) -> Node:
        left = self.value()
        tok = self.peek()
        if tok.kind == "op" and tok.text in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            return ("cmp", tok.text, left, self.value())
        if tok.kind == "in":
            self.take()
            return ("cmp", "in", left, self.value())
        if tok.kind == "not" and self.tokens[self.i + 1].kind == "in":
            self.take()
            self.take()
            return ("not", ("cmp", "in", left, self.value()))
        return left

    def value(self) -> Node:
        tok = self.take()
        if tok.kind == "number":
            return ("lit", float(tok.text) if "." in tok.text else int(tok.text))
        if tok.kind == "string":
            body = tok.text[1:-1]
            return ("lit", re.sub(r"\\(.)", r"\1", body))
        if tok.kind in ("true", "false"):
            return ("lit", tok.kind == "true")
        if tok.kind == "name":
            return ("name", tok.text)
        if tok.kind == "op" and tok.text == "(":
            node = self.expr()
            self.take_op(")")
            return node
        if tok.kind == "op" and tok.text == "[":
            items: list[Node] = []
            if not (self.peek().kind == "op" and self.peek().text == "]"):
                items.append(self.value())
                while self.peek().kind == "op" and self.peek().text == ",":
                    self.take()
                    items.append(self.value())
            self.take_op("]")
            return ("list", items)
        found = tok.text or "end of condition"
        raise ConditionError(f"expected a value at {tok.pos}, found {found!r}")

    def take_op(self, text: str) -> None:
        tok = self.take()
        if tok.kind != "op" or tok.text != text:
            raise ConditionError(f"expected {text!r} at {tok.pos}, found {tok.text or 'end'!r}")


def _names(node: Node) -> set[str]:
    if node[0] == "name":
        return {node[1]}
    if node[0] == "lit":
        return set()
    if node[0] == "list":
        return set().union(*(_names(n) for n in node[1])) if node[1] else set()
    return set().union(*(_names(n) for n in node[1:] if isinstance(n, tuple)))


def _rank(value: Any) -> Any:
    if hasattr(value, "value") and value.value in _PRIORITY_RANK:
        return _PRIORITY_RANK[value.value]
    if isinstance(value, str) and value in _PRIORITY_RANK:
        return _PRIORITY_RANK[value]
    return value


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") and not isinstance(value, bool) else value


@attrs.frozen
class Condition:
    """A parsed condition; evaluate it with :meth:`matches`.

    Args:
        source: The text it was parsed from.
    """

    source: str
    _ast: Node = attrs.field(repr=False, eq=False)

    @classmethod
    def parse(cls, text: str, *, names: Iterable[str] | None = None) -> Condition:
        """Parse ``text``; with ``names``, an unknown name is an error.

        Raises:
            ConditionError: the text does not parse, or uses an unknown name.
        """
        if not isinstance(text, str) or not text.strip():
            raise ConditionError("a condition must not be empty")
        if len(text) > _MAX_LENGTH:
            raise ConditionError(f"a condition is at most {_MAX_LENGTH} characters")
        parser = _Parser(_tokenize(text))
        ast = parser.expr()
        if parser.peek().kind != "end":
            tok = parser.peek()
            raise ConditionError(f"unexpected {tok.text!r} at {tok.pos}")
        if names is not None:
            unknown = _names(ast) - set(names)
            if unknown:
                known = ", ".join(sorted(names))
                raise ConditionError(f"unknown name {sorted(unknown)[0]!r} (known: {known})")
        return cls(text, ast)

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Whether the condition holds for ``facts``; a missing name is ``None``."""
        return bool(self._eval(self._ast, facts))

    def _eval(self, node: Node, facts: Mapping[str, Any]) -> Any:
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "name":
            return facts.get(node[1])
        if kind == "list":
            return [self._eval(n, facts) for n in node[1]]
        if kind == "not":
            return not self._eval(node[1], facts)
        if kind == "and":
            return self._eval(node[1], facts) and self._eval(node[2], facts)
        if kind == "or":
            return self._eval(node[1], facts) or self._eval(node[2], facts)
        op, left, right = node[1], self._eval(node[2], facts), self._eval(node[3], facts)
        if op == "in":
            if right is None:
                return False
            items = {_plain(v) for v in right} if not isinstance(right, str) else right
            return _plain(left) in items
        a, b = _rank(left), _rank(right)
        if op == "==":
            return _plain(a) == _plain(b)
        if op == "!=":
            return _plain(a) != _plain(b)
        try:
            if op == "<":
                return a < b
            if op == "<=":
                return a <= b
            if op == ">":
                return a > b
            return a >= b
        except TypeError:
            return False


#: The facts a routing or escalation rule can use.
ROUTING_NAMES = frozenset(
    {"priority", "platform", "language", "kind", "hostile", "labels", "skills", "waited_minutes"}
)
