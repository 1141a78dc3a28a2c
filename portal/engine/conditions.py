"""The condition language of form definitions (`visible_if`, `required_if`, computed values
and rules): a hand-written tokenizer and recursive-descent parser to a small AST, and its
evaluation against answers, with exact decimal arithmetic.

Nothing is ever handed to eval, exec or compile. docs/conditions.md is the reference.
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from .countries import EU, EU_EEA
from .destatis import EU_EEA_KEYS, EU_KEYS
from .messages import N_, Phrase

__all__ = ["MAX_LENGTH", "MAX_NESTING", "And", "Arith", "Call", "Compare", "Condition",
           "ConditionError", "ListLiteral", "Literal", "Name", "Not", "Or", "parse"]

MAX_LENGTH = 2000  # characters; a real condition is a line or two
MAX_NESTING = 50  # brackets, `not` and functions: keeps the parser far from Python's stack limit
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
#: name -> (fewest, most) arguments; None: any number
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "empty": (1, 1), "count": (1, 2), "today": (0, 0), "round": (1, 2), "min": (1, None),
    "max": (1, None), "sum": (1, 1), "any": (2, 2), "all": (2, 2), "eu": (1, 1), "eu_eea": (1, 1)}
_FUNCTION_LIST = N_("empty(), count(), today(), round(), min(), max(), sum(), any(), all(), "
                    "eu() und eu_eea()")
#: eu(x) and eu_eea(x) are written out when parsed: `x in [the states' codes]`, so the engine
#: and the browser evaluate them as any `in` (portal.engine.countries holds the lists). The
#: list holds each state's ISO code and its Destatis key, so that a country field's answer
#: is judged alike with either `codes` ("IT" and "137").
MEMBER_STATES = {"eu": tuple(sorted(EU)) + tuple(sorted(EU_KEYS)),
                 "eu_eea": tuple(sorted(EU_EEA)) + tuple(sorted(EU_EEA_KEYS))}
DIVISION_PLACES = 10  # a quotient is rounded (half to even) to this many decimal places
MAX_DIGITS = 1000  # a calculation whose numbers grow beyond this has no result (null)
_LITERAL_WORDS = ("true", "false", "null")
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")  # [0-9], not \d: no other scripts' digits


class ConditionError(ValueError):
    """Raised for a malformed condition."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        #: a sentence for a form designer, naming the position: a Phrase (English as text)
        self.message = message
        self.position = position  # 0-based offset in the source

    def __str__(self) -> str:
        return self.message


# -- the syntax tree --------------------------------------------------------------------------

Value = None | bool | int | Decimal | str


@dataclass(frozen=True)
class Literal:
    value: Value


@dataclass(frozen=True)
class ListLiteral:
    items: tuple[Value, ...]


@dataclass(frozen=True)
class Name:
    path: tuple[str, ...]  # `anschrift.postcode` is ("anschrift", "postcode")


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    op: str  # == != < <= > >= in, or "not in"
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class Arith:
    """`a + b - c` or `a * b / c`: one flat node per chain, `ops[i]` between operands i, i+1."""

    operands: tuple[Node, ...]
    ops: tuple[str, ...]


# And/Or hold all operands of a chain: `a or b or c ...` stays one flat node rather than a
# tree as deep as the chain is long, which evaluation would have to recurse through.
@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


Node = Literal | ListLiteral | Name | Call | Compare | Not | And | Or | Arith


# -- tokenizer --------------------------------------------------------------------------------

class Token(NamedTuple):
    kind: str  # num str name kw op ( ) [ ] , end
    value: Any
    pos: int
    text: str  # as written, for messages


# One alternative per kind of token; `bad` takes any other character, so the scanner never
# stalls and _tokenize can turn near misses into helpful messages.
_TOKEN = re.compile(r"""\s*(?:
      (?P<num>-?[0-9]+(?:\.[0-9]+)?)
    | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<word>[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]*)*)
    | (?P<op>==|!=|<=|>=|<|>)
    | (?P<punct>[()\[\],])
    | (?P<arith>[-+*/])
    | (?P<bad>\S)
    | \Z)""", re.VERBOSE | re.DOTALL)
_ESCAPE = re.compile(r"\\(.?)", re.DOTALL)
_HINTS = {"=": N_("; vergleichen Sie mit '=='"), "&": N_("; verwenden Sie 'and'"),
          "|": N_("; verwenden Sie 'or'"), "!": N_("; verwenden Sie 'not' oder '!='"),
          ".": N_("; schreiben Sie eine Ziffer vor den Punkt, etwa 0.5"),
          "%": N_("; es gibt keinen Rest-Operator, nur + - * /"),
          "^": N_("; es gibt keinen Potenz-Operator, nur + - * /"),
          "×": N_("; multiplizieren Sie mit '*'"), "÷": N_("; dividieren Sie mit '/'")}
_VALUE_ENDS = ("num", "str", "name", ")", "]")
_ONLY_ASCII = N_("; Namen dürfen nur a-z, 0-9 und _ enthalten")


def _show(char: str) -> str:
    return repr(char) if char.isprintable() else f"U+{ord(char):04X}"


def _unexpected_character(char: str, pos: int, hint: str | None) -> Phrase:
    if hint is None:
        return Phrase(N_("unerwartetes Zeichen %(char)s an Position %(pos)s"),
                      char=_show(char), pos=pos)
    return Phrase(N_("unerwartetes Zeichen %(char)s an Position %(pos)s%(hint)s"),
                  char=_show(char), pos=pos, hint=Phrase(hint))


def _display(t: Token) -> str:
    text = t.text if len(t.text) <= 30 else t.text[:27] + "..."  # keep messages short
    return text if t.kind == "str" else f"'{text}'"


def _tokenize(src: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while (m := _TOKEN.match(src, i)) and m.lastgroup:
        kind, text, pos, i = m.lastgroup, m.group(m.lastgroup), m.start(m.lastgroup), m.end()
        after = src[i:i + 1]
        if kind == "num" and text.startswith("-") and tokens and (
                tokens[-1].kind in _VALUE_ENDS
                or (tokens[-1].kind == "kw" and tokens[-1].text in _LITERAL_WORDS)):
            # `a -3` subtracts: a minus after a value is an operator, not a sign
            tokens.append(Token("arith", "-", pos, "-"))
            text, pos = text[1:], pos + 1
        if kind == "num":
            if after == "." and "." not in text:
                raise ConditionError(Phrase(N_(
                    "nach dem Dezimalpunkt an Position %(pos)s fehlt eine Ziffer"), pos=i + 1),
                    i + 1)
            if after.isalnum() or after in ("_", "."):
                raise ConditionError(Phrase(N_(
                    "unerwartetes %(char)s direkt nach der Zahl an Position %(pos)s"),
                    char=_show(after), pos=i), i)
            tokens.append(Token("num", Decimal(text) if "." in text else int(text), pos, text))
        elif kind == "str":
            for e in _ESCAPE.finditer(text, 1, len(text) - 1):
                if e.group(1) not in ("\\", "'", '"'):
                    raise ConditionError(Phrase(N_(
                        "unbekannte Escape-Sequenz '%(escape)s' an Position %(pos)s; in "
                        "Anführungszeichen darf ein Backslash nur vor einem Anführungszeichen "
                        "oder einem Backslash stehen"), escape=e.group(), pos=pos + e.start()),
                        pos + e.start())
            tokens.append(Token("str", _ESCAPE.sub(r"\1", text[1:-1]), pos, text))
        elif kind == "word":
            tokens.append(_word(text, pos, after))
        elif kind in ("op", "punct", "arith"):
            tokens.append(Token(kind if kind != "punct" else text, text, pos, text))
        elif text in ("'", '"'):
            raise ConditionError(Phrase(N_(
                "das Anführungszeichen %(quote)s an Position %(pos)s wird nie geschlossen"),
                quote=text, pos=pos), pos)
        else:
            hint = _HINTS.get(text, _ONLY_ASCII if text.isalpha() else None)
            raise ConditionError(_unexpected_character(text, pos, hint), pos)
    tokens.append(Token("end", None, len(src), ""))
    return tokens


def _word(text: str, start: int, after: str) -> Token:
    """A keyword or a (dotted) name, or a ConditionError that says why it is neither."""
    if after.isalpha():  # a letter outside a-z, such as 'ß'
        pos = start + len(text)
        raise ConditionError(_unexpected_character(after, pos, _ONLY_ASCII), pos)
    pos = start
    for part in text.split("."):
        if part.lower() != part:
            proper = "null" if part.lower() == "none" else part.lower()
            raise ConditionError(Phrase(N_(
                "'%(part)s' an Position %(pos)s muss kleingeschrieben werden ('%(proper)s')"),
                part=part, pos=pos, proper=proper), pos)
        if not part or part[0].isdigit():
            raise ConditionError(Phrase(N_("nach '.' an Position %(pos)s fehlt ein Name"),
                                        pos=pos), pos)
        if part in KEYWORDS and part != text:
            raise ConditionError(Phrase(N_(
                "'%(part)s' an Position %(pos)s ist ein reserviertes Wort und kann nicht Teil "
                "eines Namens sein"), part=part, pos=pos), pos)
        pos += len(part) + 1
    if text in KEYWORDS:
        return Token("kw", {"true": True, "false": False, "null": None}.get(text), start, text)
    return Token("name", tuple(text.split(".")), start, text)


# -- parser -----------------------------------------------------------------------------------

class _Parser:
    """Recursive descent, one method per level of the EBNF in docs/conditions.md."""

    def __init__(self, src: str) -> None:
        self.tokens, self.i, self.depth = _tokenize(src), 0, 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def at(self, kind: str, text: str | None = None, ahead: int = 0) -> bool:
        t = self.tokens[min(self.i + ahead, len(self.tokens) - 1)]
        return t.kind == kind and (text is None or t.text == text)

    def take(self) -> Token:
        self.i += 1
        return self.tokens[self.i - 1]

    @contextmanager
    def nested(self, t: Token) -> Iterator[None]:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ConditionError(Phrase(N_(
                "die Bedingung ist an Position %(pos)s zu tief verschachtelt; erlaubt sind "
                "höchstens %(max)s Ebenen aus Klammern, 'not' und Funktionen"),
                pos=t.pos, max=MAX_NESTING), t.pos)
        yield
        self.depth -= 1

    def starts_value(self, allow_not: bool = True) -> bool:
        t = self.tok
        return t.kind in ("num", "str", "name", "(", "[") or (t.kind == "kw" and (
            t.text in _LITERAL_WORDS or (allow_not and t.text == "not")))

    def need_value(self, after: str, allow_not: bool = True) -> None:
        if not self.starts_value(allow_not):
            t = self.tok
            if t.kind == "arith" and t.text == "-":
                raise ConditionError(Phrase(N_(
                    "ein Minuszeichen an Position %(pos)s darf nur direkt vor einer Zahl stehen, "
                    "etwa -3; schreiben Sie 0 - x, um zu verneinen"), pos=t.pos), t.pos)
            if t.kind == "end":
                raise ConditionError(Phrase(N_("nach '%(after)s' an Position %(pos)s fehlt ein "
                                                "Wert"), after=after, pos=t.pos), t.pos)
            raise ConditionError(Phrase(N_(
                "nach '%(after)s' an Position %(pos)s fehlt ein Wert, gefunden: %(token)s"),
                after=after, pos=t.pos, token=_display(t)), t.pos)

    def unexpected(self, expected: Phrase) -> ConditionError:
        t = self.tok
        if t.kind == "end":
            message = Phrase(N_("die Bedingung endet an Position %(pos)s; erwartet: "
                                "%(expected)s"), pos=t.pos, expected=expected)
        elif t.kind == ")":
            message = Phrase(N_("unerwartete ')' an Position %(pos)s: Es gibt keine '(', die sie "
                                "schließt"), pos=t.pos)
        else:
            message = Phrase(N_("unerwartet: %(token)s an Position %(pos)s; erwartet: "
                                "%(expected)s"), token=_display(t), pos=t.pos, expected=expected)
        return ConditionError(message, t.pos)

    def parse(self) -> Node:
        if self.at("end"):
            raise ConditionError(Phrase(N_("die Bedingung ist leer")), 0)
        self.need_value_first()
        node = self.parse_or()
        if not self.at("end"):
            raise self.unexpected(Phrase(N_("'and', 'or' oder das Ende der Bedingung")))
        return node

    def need_value_first(self) -> None:
        if self.at("arith", "-"):
            self.need_value("")
        if not self.starts_value():
            raise self.unexpected(Phrase(N_("ein Wert")))

    def parse_or(self) -> Node:
        return self.parse_chain("or", Or, self.parse_and)

    def parse_and(self) -> Node:
        return self.parse_chain("and", And, self.parse_not)

    def parse_chain(self, word: str, kind: type[And | Or], parse_part: Callable[[], Node]) -> Node:
        parts = [parse_part()]
        while self.at("kw", word):
            self.need_value(self.take().text)
            parts.append(parse_part())
        return parts[0] if len(parts) == 1 else kind(tuple(parts))

    def parse_not(self) -> Node:
        # `not` takes a whole comparison: `not a == 1` means `not (a == 1)`, as in English.
        if not self.at("kw", "not"):
            return self.parse_comparison()
        t = self.take()
        self.need_value("not")
        with self.nested(t):
            return Not(self.parse_not())

    def comparison_op(self) -> str | None:
        if self.at("op") or self.at("kw", "in"):
            return self.tok.text
        return "not in" if self.at("kw", "not") and self.at("kw", "in", ahead=1) else None

    def parse_comparison(self) -> Node:
        left = self.parse_sum()
        op = self.comparison_op()
        if op is None:
            if self.at("kw", "not"):
                pos = self.tokens[self.i + 1].pos
                raise ConditionError(Phrase(N_("nach 'not' an Position %(pos)s fehlt 'in'"),
                                            pos=pos), pos)
            if self.starts_value():
                raise self.unexpected(Phrase(N_(
                    "davor ein Operator wie '==', 'in', 'and' oder 'or'")))
            return left
        self.i += 2 if op == "not in" else 1
        self.need_value(op, allow_not=False)
        right = self.parse_sum()
        if (chained := self.comparison_op()) is not None:  # `a < b < c` is ambiguous: refuse it
            raise ConditionError(Phrase(N_(
                "Vergleiche lassen sich nicht verketten: '%(op)s' an Position %(pos)s; verbinden "
                "Sie zwei Vergleiche mit 'and'"), op=chained, pos=self.tok.pos), self.tok.pos)
        return Compare(op, left, right)

    def parse_sum(self) -> Node:
        return self.parse_arith(("+", "-"), self.parse_product)

    def parse_product(self) -> Node:
        return self.parse_arith(("*", "/"), self.parse_operand)

    def parse_arith(self, ops: tuple[str, str], parse_part: Callable[[], Node]) -> Node:
        operands, between = [parse_part()], []
        while self.at("arith") and self.tok.text in ops:
            between.append(self.take().text)
            self.need_value(between[-1], allow_not=False)
            operands.append(parse_part())
        return operands[0] if len(operands) == 1 else Arith(tuple(operands), tuple(between))

    def parse_operand(self) -> Node:
        t = self.take()  # the caller has checked that a value starts here
        if t.kind in ("num", "str") or (t.kind == "kw" and t.text in _LITERAL_WORDS):
            return Literal(t.value)
        if t.kind == "name":
            return self.parse_call(t) if self.at("(") else Name(t.value)
        if t.kind == "[":
            return self.parse_list(t)
        self.need_value("(")
        with self.nested(t):
            node = self.parse_or()
        self.close(t)
        return node

    def close(self, opening: Token) -> None:
        if not self.at(")"):
            raise self.unexpected(Phrase(N_("')', um die '(' an Position %(pos)s zu schließen"),
                                         pos=opening.pos))
        self.i += 1

    def parse_call(self, name: Token) -> Node:
        function = name.text
        if function not in FUNCTIONS:
            raise ConditionError(Phrase(N_(
                "unbekannte Funktion '%(function)s' an Position %(pos)s; die Funktionen sind "
                "%(functions)s"), function=function, pos=name.pos,
                functions=Phrase(_FUNCTION_LIST)), name.pos)
        opening, args = self.take(), []
        with self.nested(opening):
            if not self.at(")"):
                self.need_value("(")
                args.append(self.parse_or())
                while self.at(","):
                    self.need_value(self.take().text)
                    args.append(self.parse_or())
        self.close(opening)
        fewest, most = FUNCTIONS[function]
        if len(args) < fewest or (most is not None and len(args) > most):
            takes = {(0, 0): N_("keinen Wert"), (1, 1): N_("genau einen Wert"),
                     (2, 2): N_("genau zwei Werte"), (1, 2): N_("einen oder zwei Werte"),
                     (1, None): N_("mindestens einen Wert")}[fewest, most]
            raise ConditionError(Phrase(N_(
                "%(function)s() an Position %(pos)s nimmt %(takes)s, bekommen hat sie "
                "%(count)s"), function=function, pos=name.pos, takes=Phrase(takes),
                count=len(args)), name.pos)
        if function == "sum" and not (isinstance(args[0], Name) and len(args[0].path) >= 2):
            raise ConditionError(Phrase(N_(
                "sum() an Position %(pos)s nimmt einen wiederholbaren Schritt und eines seiner "
                "Felder, etwa sum(haushalt.einkommen)"), pos=name.pos), name.pos)
        if (function in ("any", "all") or (function == "count" and len(args) == 2)) and not (
                isinstance(args[0], Name) and len(args[0].path) == 1):
            raise ConditionError(Phrase(N_(
                "%(function)s() an Position %(pos)s nimmt zuerst einen wiederholbaren Schritt, "
                "dann eine Bedingung für jeden Eintrag, etwa %(function)s(haushalt, "
                "einkommen > 0)"), function=function, pos=name.pos), name.pos)
        if function in MEMBER_STATES:
            return Compare("in", args[0], ListLiteral(MEMBER_STATES[function]))
        return Call(function, tuple(args))

    def parse_list(self, opening: Token) -> ListLiteral:
        items: list[Value] = []
        while not self.at("]"):
            t = self.tok
            if t.kind in ("num", "str") or (t.kind == "kw" and t.text in _LITERAL_WORDS):
                items.append(self.take().value)
            elif t.kind in ("name", "kw", "[", "("):
                raise ConditionError(Phrase(N_(
                    "eine Liste darf nur feste Werte enthalten (Text in Anführungszeichen, "
                    "Zahlen, true, false, null); gefunden: %(token)s an Position %(pos)s"),
                    token=_display(t), pos=t.pos), t.pos)
            else:
                raise self.unexpected(Phrase(N_(
                    "ein Wert oder ']', um die '[' an Position %(pos)s zu schließen"),
                    pos=opening.pos))
            if self.at(","):
                self.i += 1
                if self.at("]"):
                    raise self.unexpected(Phrase(N_("ein Wert nach ','")))
            elif not self.at("]"):
                raise self.unexpected(Phrase(N_(
                    "',' oder ']', um die '[' an Position %(pos)s zu schließen"),
                    pos=opening.pos))
        self.i += 1
        return ListLiteral(tuple(items))


# -- evaluation -------------------------------------------------------------------------------

_OPAQUE = object()  # an answer of a type the language does not know (an object, NaN)
_EQUALITY_BUDGET = 100_000  # container comparisons per operator; stops cyclic or absurd answers


def _plain(value: Any) -> Any:
    """Reduce an answer to None, bool, int, Decimal, str, list or dict, else _OPAQUE.

    Subclasses are copied through their base class, so that an answer object with a strange
    __eq__ or __iter__ can never make evaluation raise.
    """
    try:
        if value is None or isinstance(value, bool):  # bool cannot be subclassed
            return value
        if isinstance(value, str):
            return str.__str__(value)  # returns a plain str unchanged
        if isinstance(value, int):
            return int.__int__(value)
        if isinstance(value, Decimal | float):  # a float never comes from the engine, but JSON
            number = Decimal(value if isinstance(value, Decimal) else float.__repr__(value))
            return number if number.is_finite() else _OPAQUE
        if isinstance(value, list):
            return value if type(value) is list else list(list.__iter__(value))
        if isinstance(value, tuple):
            return list(tuple.__iter__(value))
        if isinstance(value, Mapping):  # only text keys can be named in a condition
            return {str.__str__(k): v for k, v in value.items() if isinstance(k, str)}
    except Exception:  # noqa: S110 - an answer that cannot be read is not comparable
        pass
    return _OPAQUE


def _number(value: Any) -> int | Decimal | None:
    """The number in an int, a Decimal or a decimal text such as "1234.50"; else None."""
    if type(value) is int or type(value) is Decimal:  # type(), because a bool is an int
        return value
    if type(value) is str and _DECIMAL_TEXT.fullmatch(value):
        return Decimal(value)
    return None


def _is_number(value: Any) -> bool:
    return type(value) is int or type(value) is Decimal


def _empty(value: Any) -> bool:
    return value is None or (type(value) in (str, list, dict) and len(value) == 0)


def _truthy(value: Any) -> bool:
    return value is not False and not _empty(value)


def _equal(a: Any, b: Any, budget: list[int], depth: int = 0) -> bool:
    a, b = _plain(a), _plain(b)
    if a is None or b is None or type(a) is bool or type(b) is bool:
        return a is b
    if _is_number(a) or _is_number(b):  # a number meets a number or a decimal text
        x, y = _number(a), _number(b)
        return x is not None and y is not None and x == y
    if type(a) is str and type(b) is str:
        return a == b
    if type(a) is type(b) and type(a) in (list, dict):
        budget[0] -= 1  # answers come from JSON and are shallow; this only stops absurd input
        if budget[0] < 0 or depth > 32 or len(a) != len(b):
            return False
        if type(a) is list:
            return all(_equal(x, y, budget, depth + 1) for x, y in zip(a, b, strict=True))
        return a.keys() == b.keys() and all(_equal(a[k], b[k], budget, depth + 1) for k in a)
    return False


def _order(a: Any, b: Any) -> int | None:
    """-1, 0 or 1; None when the two have no order, and then < <= > >= are all false."""
    if _is_number(a) or _is_number(b):
        x, y = _number(a), _number(b)
        return None if x is None or y is None else (x > y) - (x < y)
    if type(a) is str and type(b) is str:
        x, y = _number(a), _number(b)
        if x is not None and y is not None:  # two money answers order as amounts
            return (x > y) - (x < y)
        return (a > b) - (a < b)
    return None


def _lookup(answers: Any, path: tuple[str, ...]) -> Any:
    value = answers
    for part in path:
        try:
            if not isinstance(value, Mapping):
                return None
            value = value[part]
        except Exception:  # a missing key, or a mapping that fails to answer: no answer
            return None
    return _plain(value)


def _today(today: date | None) -> str:
    day = today if today is not None else date.today()
    if isinstance(day, datetime):  # a datetime is a date, but its isoformat has a time
        day = day.date()
    return date(day.year, day.month, day.day).isoformat()


Evaluator = Callable[[Mapping[str, Any], date | None], Any]


def _compile(node: Node) -> Evaluator:
    """The node as a function of (answers, today), built once when the condition is parsed.

    Conditions are evaluated many times per request (every step's and field's, on every
    page); dispatching on the node types each time cost more than the evaluation itself.
    """
    match node:
        case Literal(value):
            return lambda answers, today: value
        case ListLiteral(items):
            return lambda answers, today: list(items)
        case Name(path):
            return lambda answers, today: _lookup(answers, path)
        case Call("today", _):
            return lambda answers, today: _today(today)
        case Call("empty", (arg,)):
            value = _compile(arg)
            return lambda answers, today: _empty(value(answers, today))
        case Call("count", (Name(path), condition)):  # the entries for which it holds
            test = _compile(condition)
            return lambda answers, today: sum(
                1 for entry in _entries(_lookup(answers, path))
                if _truthy(test(_entry_context(entry, answers), today)))
        case Call("count", (arg,)):
            value = _compile(arg)
            return lambda answers, today: _count(value(answers, today))
        case Call("sum", (Name(path),)):
            return lambda answers, today: _sum(_lookup(answers, path[:1]), path[1:])
        case Call("any" | "all" as function, (Name(path), condition)):
            test = _compile(condition)
            combine = any if function == "any" else all
            return lambda answers, today: combine(
                _truthy(test(_entry_context(entry, answers), today))
                for entry in _entries(_lookup(answers, path)))
        case Call("round", args):
            values = tuple(_compile(a) for a in args)
            return lambda answers, today: _round(*(v(answers, today) for v in values))
        case Call("min" | "max" as function, args):
            values = tuple(_compile(a) for a in args)
            pick = min if function == "min" else max
            return lambda answers, today: _pick(pick, [v(answers, today) for v in values])
        case Arith(operands, ops):
            values = tuple(_compile(o) for o in operands)
            return lambda answers, today: _calculate([v(answers, today) for v in values], ops)
        case Not(operand):
            value = _compile(operand)
            return lambda answers, today: not _truthy(value(answers, today))
        case And(operands):  # all() and any() stop at the first operand that decides
            values = tuple(_compile(o) for o in operands)
            return lambda answers, today: all(_truthy(v(answers, today)) for v in values)
        case Or(operands):
            values = tuple(_compile(o) for o in operands)
            return lambda answers, today: any(_truthy(v(answers, today)) for v in values)
        case Compare(op, left, right):
            lhs, rhs = _compile(left), _compile(right)
            return lambda answers, today: _compare(op, lhs(answers, today), rhs(answers, today))
    raise AssertionError(f"unknown node {node!r}")  # unreachable: parse builds every node


def _count(value: Any) -> int:
    return len(value) if type(value) is list else 0


# -- arithmetic: exact, on int and Decimal; anything that is not a number gives null -------

def _exact(number: int | Decimal) -> Fraction:
    return Fraction(number)


def _to_decimal(fraction: Fraction) -> int | Decimal | None:
    """A fraction whose denominator divides a power of ten, as an exact int or Decimal."""
    if fraction.denominator == 1:
        return fraction.numerator
    places, denominator = 0, fraction.denominator
    while denominator % 10 == 0 or denominator % 2 == 0 or denominator % 5 == 0:
        scale = 10 if denominator % 10 == 0 else 2 if denominator % 2 == 0 else 5
        denominator //= scale
        places += 1
    if denominator != 1:  # a third: not a decimal (only a quotient can be one; it is rounded)
        return None
    digits = fraction.numerator * 10 ** places // fraction.denominator
    return Decimal(digits).scaleb(-places)


def _too_large(number: int | Decimal) -> bool:
    if type(number) is int:
        return abs(number) >= 10 ** MAX_DIGITS
    return len(number.as_tuple().digits) > MAX_DIGITS


def _calculate(values: list[Any], ops: tuple[str, ...]) -> int | Decimal | None:
    numbers = [_number(v) for v in values]
    if any(n is None or _too_large(n) for n in numbers):
        return None
    result = _exact(numbers[0])  # type: ignore[arg-type]
    all_int = all(type(n) is int for n in numbers)
    for op, number in zip(ops, numbers[1:], strict=True):
        operand = _exact(number)  # type: ignore[arg-type]
        if op == "+":
            result += operand
        elif op == "-":
            result -= operand
        elif op == "*":
            result *= operand
        else:
            if operand == 0:
                return None  # dividing by zero has no result
            all_int = False
            result = Fraction(round(result / operand * 10 ** DIVISION_PLACES),
                              10 ** DIVISION_PLACES)
        if abs(result.numerator) >= 10 ** MAX_DIGITS:
            return None
    value = _to_decimal(result)
    if value is None:
        return None
    if all_int or type(value) is int:
        return value if all_int else Decimal(value)
    return value


def _round(value: Any, places: Any = 0) -> Decimal | None:
    number, digits = _number(value), _number(places)
    if number is None or digits is None or digits != int(digits) or not 0 <= digits <= 10:
        return None
    if _too_large(number):
        return None
    number = Decimal(number)
    # Enough digits for the integer part written out (2.2E+28 has 29) and the places kept.
    context = Context(prec=max(len(number.as_tuple().digits), number.adjusted() + 1)
                      + int(digits) + 12)
    return number.quantize(Decimal(1).scaleb(-int(digits)), ROUND_HALF_UP, context)


def _pick(pick: Callable[..., Any], values: list[Any]) -> int | Decimal | None:
    numbers = [n for n in map(_number, values) if n is not None]
    return pick(numbers) if numbers else None


def _entries(value: Any) -> list[Any]:
    return value if type(value) is list else []


def _entry_context(entry: Any, answers: Mapping[str, Any]) -> Mapping[str, Any]:
    entry = _plain(entry)
    return ChainMap(entry, answers) if type(entry) is dict else answers  # type: ignore[arg-type]


def _sum(entries: Any, path: tuple[str, ...]) -> int | Decimal | None:
    numbers = [n for n in (_number(_lookup(e, path)) for e in _entries(entries)) if n is not None]
    return _calculate(numbers, ("+",) * (len(numbers) - 1)) if numbers else 0


def _compare(op: str, left: Any, right: Any) -> bool:
    budget = [_EQUALITY_BUDGET]
    if op in ("in", "not in"):
        found = type(right) is list and any(_equal(left, item, budget) for item in right)
        return found == (op == "in")
    if op in ("==", "!="):
        return _equal(left, right, budget) == (op == "==")
    order = _order(left, right)
    if order is None:
        return False
    return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[op]


def _names(node: Node) -> set[str]:
    match node:
        case Name(path):
            return {path[0]}
        case Compare(_, left, right):
            return _names(left) | _names(right)
        case Not(operand):
            return _names(operand)
        case Call(_, children) | And(children) | Or(children) | Arith(children, _):
            return set().union(*(_names(c) for c in children))
    return set()


def _calculated(node: Node) -> Iterator[Node]:
    """The operands of every + - * / and of round(), min(), max() and sum(), anywhere."""
    match node:
        case Arith(children, _):
            yield from children
            for child in children:
                yield from _calculated(child)
        case Call("round" | "min" | "max" | "sum", children):  # sum's one value: step.field
            yield from children
            for child in children:
                yield from _calculated(child)
        case Call(_, children) | And(children) | Or(children):
            for child in children:
                yield from _calculated(child)
        case Compare(_, left, right):
            yield from _calculated(left)
            yield from _calculated(right)
        case Not(operand):
            yield from _calculated(operand)


_MEMBER_STATE_LISTS = frozenset(MEMBER_STATES.values())


def _compared(node: Node) -> Iterator[tuple[tuple[str, ...], str, Value]]:
    """(answer's path, operator, value) for each comparison of an answer with a value written
    in the condition: `a == 'x'`, `'x' != a`, `a in ['x', 'y']`, `'x' in a` (a list answer)."""
    match node:
        case Compare(op, Name(path), Literal(value)) | Compare(op, Literal(value), Name(path)):
            yield path, op, value
        case Compare(("in" | "not in") as op, Name(path), ListLiteral(items)):
            if items not in _MEMBER_STATE_LISTS:  # eu() and eu_eea() hold ISO codes and keys
                for value in items:
                    yield path, op, value
        case Compare(_, left, right):
            yield from _compared(left)
            yield from _compared(right)
        case Call(_, children) | And(children) | Or(children) | Arith(children, _):
            for child in children:
                yield from _compared(child)
        case Not(operand):
            yield from _compared(operand)


def _aggregated(node: Node) -> set[tuple[str, str]]:
    """(step, name) for each name read inside sum(), any() or all() over a repeating step."""
    found: set[tuple[str, str]] = set()
    match node:
        case Call("sum", (Name(path),)):
            found.add((path[0], path[1]))
        case Call("any" | "all" | "count", (Name(path), condition)):
            found |= {(path[0], name) for name in _names(condition)} | _aggregated(condition)
        case Call(_, children) | And(children) | Or(children) | Arith(children, _):
            for child in children:
                found |= _aggregated(child)
        case Compare(_, left, right):
            found |= _aggregated(left) | _aggregated(right)
        case Not(operand):
            found |= _aggregated(operand)
    return found


@dataclass(frozen=True)
class Condition:
    """A parsed condition. `names` are the answers it reads (the first part of a dotted name)."""

    source: str
    root: Node = field(compare=False, repr=False)
    names: frozenset[str] = field(compare=False, repr=False)
    _evaluate: Evaluator = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_evaluate", _compile(self.root))

    def evaluate(self, answers: Mapping[str, Any], *, today: date | None = None) -> bool:
        """True or false for these answers; never raises. `today` replaces the clock."""
        return _truthy(self._evaluate(answers, today))

    def value(self, answers: Mapping[str, Any], *, today: date | None = None) -> Any:
        """What the expression computes (a number, a text, …, or None); never raises."""
        return self._evaluate(answers, today)

    @property
    def calculated(self) -> tuple[Node, ...]:
        """What the condition calculates with: operands of + - * /, round(), min(), max() and
        the step.field of sum(). The form check says when one of them is never a number."""
        return tuple(_calculated(self.root))

    @property
    def compared(self) -> tuple[tuple[tuple[str, ...], str, Value], ...]:
        """Each comparison of an answer with a written value: (path, operator, value). The
        form check says when the answer can never be that value."""
        return tuple(_compared(self.root))

    @property
    def aggregated(self) -> frozenset[tuple[str, str]]:
        """(repeating step, field) pairs read inside sum(), any() and all()."""
        return frozenset(_aggregated(self.root))

    def as_data(self) -> Any:
        """The syntax tree as JSON data, for the evaluator in the browser (amtsweg.js)."""
        return _data(self.root)


def _literal_data(value: Value) -> list[Any]:
    if _is_number(value):  # a number keeps its exact digits: the browser has no Decimal
        return ["num", format(value, "f") if isinstance(value, Decimal) else str(value)]
    return ["lit", value]


def _data(node: Node) -> list[Any]:
    match node:
        case Literal(value):
            return _literal_data(value)
        case ListLiteral(items):
            return ["list", [_literal_data(v) for v in items]]
        case Name(path):
            return ["name", list(path)]
        case Call(function, args):
            return ["call", function, [_data(a) for a in args]]
        case Compare(op, left, right):
            return ["cmp", op, _data(left), _data(right)]
        case Not(operand):
            return ["not", _data(operand)]
        case And(operands):
            return ["and", [_data(o) for o in operands]]
        case Or(operands):
            return ["or", [_data(o) for o in operands]]
        case Arith(operands, ops):
            return ["arith", [_data(o) for o in operands], list(ops)]
    raise AssertionError(f"unknown node {node!r}")


def parse(source: str) -> Condition:
    """Parse a condition; raises ConditionError (only) with a message and a 0-based position."""
    if not isinstance(source, str):
        raise ConditionError(Phrase(N_("eine Bedingung wird als Text in Anführungszeichen "
                                       "geschrieben")), 0)
    source = str.__str__(source)  # a plain str, whatever subclass came in
    if len(source) > MAX_LENGTH:
        raise ConditionError(Phrase(N_("die Bedingung ist %(length)s Zeichen lang; erlaubt sind "
                                       "höchstens %(max)s"), length=len(source),
                                    max=MAX_LENGTH), MAX_LENGTH)
    try:
        root = _Parser(source).parse()
    except RecursionError:  # only if the caller's own stack is already nearly exhausted
        raise ConditionError(Phrase(N_("die Bedingung ist zu tief verschachtelt")), 0) from None
    return Condition(source, root, frozenset(_names(root)))
