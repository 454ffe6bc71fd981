#!/usr/bin/env python3
"""Cut named definitions out of the kernel's own source files, verbatim, for the conformance
harness (the way tools/testing/vma takes mm/vma.c): functions and structs/enums by brace
matching, #define macros with their continuation lines, and #if/#endif blocks that define a
given macro. Each piece is written with a #line directive, so the compiler's diagnostics point
at the kernel file. Nothing here types kernel code; it only copies spans of the extracted files.

usage: extract.py SRC_ROOT OUT_DIR MANIFEST
  SRC_ROOT  the extracted tree (e.g. build/conformance/src/linux-source-6.12)
  OUT_DIR   where the generated headers go
  MANIFEST  lines "out.h  path/in/tree  kind  name" (kinds: func, struct, enum, define,
            ifblock, enumtable); '#' starts a comment.
"""
import os
import re
import sys


class ExtractError(Exception):
    pass


def match_brace(text, open_pos):
    """Index just past the brace that closes text[open_pos] == '{', skipping comments,
    strings and character literals."""
    depth = 0
    i = open_pos
    n = len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            i = text.index('*/', i + 2) + 2
            continue
        if text.startswith('//', i):
            i = text.index('\n', i)
            continue
        if c in '"\'':
            j = i + 1
            while text[j] != c:
                j += 2 if text[j] == '\\' else 1
            i = j + 1
            continue
        if c == '{':
            depth += 1
        elif c == '}':
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ExtractError('unbalanced braces')


def match_paren(text, open_pos):
    depth = 0
    for i in range(open_pos, len(text)):
        if text[i] == '(':
            depth += 1
        elif text[i] == ')':
            depth -= 1
            if depth == 0:
                return i + 1
    raise ExtractError('unbalanced parentheses')


def line_start(text, pos):
    return text.rfind('\n', 0, pos) + 1


def line_no(text, pos):
    return text.count('\n', 0, pos) + 1


def find_function(text, name):
    """The definition of function `name`: from the start of its declaration (the return type may
    sit on the line before, as in "static int\\nfoo(") to its closing brace."""
    for m in re.finditer(r'\b' + re.escape(name) + r'\s*\(', text):
        ls = line_start(text, m.start())
        head = text[ls:m.start()]
        # A definition starts at column 0 with the type or with the name itself.
        if not head or head[0] in ' \t#' or '=' in head or ';' in head or '(' in head:
            continue
        close = match_paren(text, m.end() - 1)
        rest = text[close:]
        stripped = rest.lstrip()
        if not stripped.startswith('{'):
            continue  # a prototype or a call
        open_pos = close + (len(rest) - len(stripped))
        start = ls
        if head.strip() == '':  # "static int\nname(": take the type line too
            start = line_start(text, ls - 1)
        return start, match_brace(text, open_pos)
    raise ExtractError('no definition of function ' + name)


def find_tagged(text, keyword, name):
    """struct/enum NAME { ... }; """
    m = re.search(r'^' + keyword + r'\s+' + re.escape(name) + r'\s*\{', text, re.M)
    if not m:
        raise ExtractError('no definition of %s %s' % (keyword, name))
    end = match_brace(text, m.end() - 1)
    semi = text.index(';', end)
    return m.start(), semi + 1


def find_array(text, name):
    """An initialised array: ... NAME[] = { ... };"""
    m = re.search(r'^[^\n;]*\b' + re.escape(name) + r'\s*\[[^\]]*\]\s*=\s*\{', text, re.M)
    if not m:
        raise ExtractError('no array ' + name)
    end = match_brace(text, m.end() - 1)
    return m.start(), text.index(';', end) + 1


def find_define(text, name):
    m = re.search(r'^#\s*define\s+' + re.escape(name) + r'\b', text, re.M)
    if not m:
        raise ExtractError('no #define ' + name)
    i = m.start()
    while True:
        e = text.index('\n', i)
        if text[e - 1] != '\\':
            return m.start(), e + 1
        i = e + 1


def find_ifblocks(text, name):
    """Every outermost #if/#ifdef ... #endif block that #defines `name` (both branches kept, so
    the configuration decides, as in the kernel)."""
    spans = []
    lines = text.split('\n')
    offs = []
    o = 0
    for l in lines:
        offs.append(o)
        o += len(l) + 1
    depth = 0
    start = None
    has = False
    for idx, l in enumerate(lines):
        s = l.strip()
        if re.match(r'#\s*if', s):
            if depth == 0:
                start, has = idx, False
            depth += 1
        elif re.match(r'#\s*endif', s):
            depth -= 1
            if depth == 0 and has:
                spans.append((offs[start], offs[idx] + len(l) + 1))
        elif depth > 0 and re.match(r'#\s*define\s+' + re.escape(name) + r'\b', s):
            has = True
    if not spans:
        raise ExtractError('no #if block defining ' + name)
    return spans


def enum_table(text, name, path):
    """A C table {"NAME", NAME} for every enumerator of enum `name`, keeping the enum's own
    preprocessor conditionals, so the compiler, not this script, decides which exist and what
    they are worth."""
    s, e = find_tagged(text, 'enum', name)
    body = text[text.index('{', s) + 1:e]
    body = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), body, flags=re.S)
    out = ['#line %d "%s"' % (line_no(text, s), path)]
    for l in body.split('\n'):
        st = l.strip()
        if st.startswith('#'):
            out.append(st)
            continue
        for m in re.finditer(r'(?:^|,)\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?==|,|$)', st):
            out.append('{ "%s", %s },' % (m.group(1), m.group(1)))
        out.append('')
    return '\n'.join(out) + '\n'


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    root, outdir, manifest = sys.argv[1:]
    os.makedirs(outdir, exist_ok=True)
    outputs = {}
    cache = {}
    for raw in open(manifest):
        raw = raw.split('#', 1)[0].strip()
        if not raw:
            continue
        out, path, kind, name = raw.split()
        if path not in cache:
            with open(os.path.join(root, path)) as f:
                cache[path] = f.read()
        text = cache[path]
        try:
            if kind == 'func':
                spans = [find_function(text, name)]
            elif kind == 'array':
                spans = [find_array(text, name)]
            elif kind in ('struct', 'enum'):
                spans = [find_tagged(text, kind, name)]
            elif kind == 'define':
                spans = [find_define(text, name)]
            elif kind == 'ifblock':
                spans = find_ifblocks(text, name)
            elif kind == 'enumtable':
                outputs.setdefault(out, []).append(enum_table(text, name, path))
                continue
            else:
                raise ExtractError('unknown kind ' + kind)
        except (ExtractError, ValueError) as err:
            sys.exit('extract.py: %s: %s %s: %s' % (path, kind, name, err))
        for s, e in spans:
            outputs.setdefault(out, []).append(
                '#line %d "%s"\n%s\n' % (line_no(text, s), path, text[s:e]))
    for out, parts in outputs.items():
        tmp = os.path.join(outdir, out + '.tmp')
        with open(tmp, 'w') as f:
            f.write('/* Generated by conformance/extract.py from the kernel source: verbatim. */\n')
            f.write(''.join(parts))
        os.replace(tmp, os.path.join(outdir, out))


if __name__ == '__main__':
    main()
