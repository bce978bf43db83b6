#!/usr/bin/env python3
"""Checks the module graph of `app` and `server`: no import circle between files, and no import
from a lower layer up to a higher one (docs/architecture.md draws the layers).

An edge A -> B is any path in A's source that names module B: a `use` (groups and `self`
expanded), or an inline `crate::…`, `super::…`, `app::…` path, or a path through a name that a
`use` brought in. A path to an item that a module re-exports (`pub use x::Item`) leads to the
module it comes from. Declaring a child (`mod x;`) is not an edge. `#[cfg(test)] mod tests`
blocks at the end of a file are left out: a unit test may reach anywhere.

Exit status 1, with each problem on a line, when a rule is broken. Cheap: no compiler, a second.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRATES = {"crate_app": ROOT / "app" / "src", "crate_server": ROOT / "server" / "src"}

# Layers of `app::backend`, lowest first: a module may import from its own layer or a lower one.
# Everything in `app` outside `backend` (shared types, error, i18n, …) is below all of them,
# except `api` and `ui`, which are above.
BACKEND_LAYERS = [
    ("crypto", "crypto/, time, telemetry: pure functions and the metrics facade, no SQL"),
    ("base", "ids, time, caller, state, telemetry (the rest of backend/*.rs); sms/: a number, a text, the way out"),
    ("store", "SQL, one module per table"),
    ("session", "sessions, throttle, password_check"),
    ("mail", "what each mail says, and the outbox"),
    ("second_factor", "the second factor and its methods"),
    ("account", "the flows of an account"),
    ("upkeep", "cleanup, key rotation"),
]
LAYER_OF_FOLDER = {"crypto": 0, "store": 2, "mail": 4, "sms": 1, "second_factor": 5, "account": 6, "upkeep": 7}
# Files directly in backend/ that are not base.
LAYER_OF_BACKEND_FILE = {"time": 0, "telemetry": 0, "sessions": 3, "throttle": 3, "password_check": 3}
ABOVE_BACKEND = {"api", "ui"}

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def module_of(crate: str, src: Path, file: Path) -> tuple:
    parts = list(file.relative_to(src).with_suffix("").parts)
    if parts[-1] == "mod" or (len(parts) == 1 and parts[0] in ("lib", "main")):
        parts = parts[:-1]
    return (crate, *parts)


def strip_tests_and_comments(text: str) -> str:
    text = re.sub(r"//[^\n]*", "", text)
    # A unit-test module, from `#[cfg(test)]` to the end of the file.
    m = re.search(r"#\[cfg\(test\)\]\s*mod\s+" + IDENT, text)
    if m:
        text = text[: m.start()]
    # String literals (a path inside one is no import).
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    return text


def expand_use_tree(tree: str) -> list:
    """`a::{b, c::{d, self}}` -> ['a::b', 'a::c::d', 'a::c']"""
    tree = re.sub(r"\s+as\s+", "@", tree)
    tree = re.sub(r"\s+", "", tree)

    def split_top(s: str) -> list:
        out, depth, cur = [], 0, ""
        for ch in s:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                out.append(cur)
                cur = ""
            else:
                cur += ch
        if cur:
            out.append(cur)
        return out

    def walk(prefix: str, s: str) -> list:
        brace = s.find("{")
        if brace == -1:
            return [prefix + s]
        head, inner = s[:brace], s[brace + 1 : s.rfind("}")]
        result = []
        for part in split_top(inner):
            if part == "self":
                result.append((prefix + head).rstrip(":"))
            else:
                result.extend(walk(prefix + head, part))
        return result

    return walk("", tree)


def main() -> int:
    modules = {}  # module tuple -> (file, text)
    for crate, src in CRATES.items():
        for file in sorted(src.rglob("*.rs")):
            modules[module_of(crate, src, file)] = (file, strip_tests_and_comments(file.read_text()))

    def resolve(current: tuple, path: str, aliases: dict):
        """The module tuple a path names (the longest module prefix), or None."""
        segs = [s for s in path.split("::") if s]
        if not segs:
            return None
        first = segs[0]
        if first == "crate":
            base, rest = (current[0],), segs[1:]
        elif first == "app":
            base, rest = ("crate_app",), segs[1:]
        elif first in ("super", "self"):
            base = current
            rest = segs
            while rest and rest[0] in ("super", "self"):
                if rest[0] == "super":
                    base = base[:-1]
                rest = rest[1:]
        elif first in aliases:
            return resolve(current, aliases[first] + "::" + "::".join(segs[1:]), {})
        else:
            return None
        found = base if base in modules else None
        mod = base
        for i, seg in enumerate(rest):
            nxt = mod + (seg,)
            if nxt in modules:
                mod, found = nxt, nxt
                continue
            # An item: re-exported from a child?
            target = reexports.get(mod, {}).get(seg)
            if target:
                return resolve(mod, target, {})
            break
        return found

    use_re = re.compile(r"\b(pub(?:\([a-z]+\))?\s+)?use\s+([^;]+);")
    reexports = {}
    uses = {}
    for mod, (file, text) in modules.items():
        entries = []
        for m in use_re.finditer(text):
            for path in expand_use_tree(m.group(2)):
                path, _, alias = path.partition("@")
                alias = alias or path.split("::")[-1]
                entries.append((bool(m.group(1)), path, alias))
        uses[mod] = entries
        reexports[mod] = {alias: path for public, path, alias in entries if public and alias != "*"}

    edges = {mod: set() for mod in modules}
    for mod, (file, text) in modules.items():
        aliases = {}
        for public, path, alias in uses[mod]:
            target = resolve(mod, path, {})
            if target is None:
                continue
            aliases[alias] = path if path.split("::")[0] not in ("super", "self") else None
            # A module's own re-exports of its children are not its dependencies.
            is_child_reexport = public and len(target) > len(mod) and target[: len(mod)] == mod
            if not is_child_reexport and target != mod:
                edges[mod].add(target)
        # Resolve aliases of `super::`/`self::` paths relative to this module.
        alias_paths = {}
        for public, path, alias in uses[mod]:
            if resolve(mod, path, {}) is not None:
                alias_paths[alias] = path
        body = use_re.sub("", text)
        for m in re.finditer(r"(?<![A-Za-z0-9_:])((?:" + IDENT + r")(?:::" + IDENT + r")+)", body):
            path = m.group(1)
            head = path.split("::")[0]
            if head in ("crate", "super", "self", "app") or head in alias_paths:
                full = path if head in ("crate", "super", "self", "app") else alias_paths[head] + path[len(head):]
                target = resolve(mod, full, {})
                if target and target != mod:
                    edges[mod].add(target)

    def name(mod: tuple) -> str:
        crate = mod[0].replace("crate_", "")
        return "::".join((crate, *mod[1:]))

    problems = []

    # Circles: strongly connected components of more than one module (Tarjan).
    index, low, stack, on_stack, sccs = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(comp)

    for v in modules:
        if v not in index:
            strong(v)
    for comp in sccs:
        names = sorted(name(m) for m in comp)
        problems.append(f"import circle of {len(comp)} modules: " + ", ".join(names))
        members = set(comp)
        for m in sorted(comp):
            inside = sorted(name(t) for t in edges[m] if t in members)
            problems.append(f"    {name(m)} -> {', '.join(inside)}")

    # Layers.
    def layer(mod: tuple):
        if mod[0] != "crate_app":
            return None
        if len(mod) >= 2 and mod[1] in ABOVE_BACKEND:
            return 100
        if len(mod) < 2 or mod[1] != "backend":
            return -1
        if len(mod) == 2:
            return 1
        if mod[2] in LAYER_OF_FOLDER:
            return LAYER_OF_FOLDER[mod[2]]
        return LAYER_OF_BACKEND_FILE.get(mod[2], 1)

    def layer_name(n):
        if n == 100:
            return "api/ui"
        if n == -1:
            return "shared"
        return BACKEND_LAYERS[n][0]

    for mod, targets in edges.items():
        lm = layer(mod)
        if lm is None or lm == 100:
            continue
        for t in targets:
            lt = layer(t)
            if lt is not None and lt > lm:
                problems.append(
                    f"upward import: {name(mod)} ({layer_name(lm)}) uses {name(t)} ({layer_name(lt)})"
                )

    if "-v" in sys.argv:
        for mod in sorted(edges, key=name):
            print(name(mod), "->", ", ".join(sorted(name(t) for t in edges[mod])))
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"module graph: {len(modules)} modules, {sum(len(e) for e in edges.values())} imports, "
          "no circle, no upward import")
    return 0


if __name__ == "__main__":
    sys.exit(main())
