"""
Differential oracle: print pySigma's parse of every Sigma rule as the same
canonical text that test/sigma/pysigma-oracle.test.ts renders from our AST.

usage: PYTHONPATH=<pySigma source dir> python3 pysigma_trees.py <rules dir>... > trees.json

Needs pySigma (tested with 1.5.0, commit 0c15d53) and pyparsing 3.3.2
(pyparsing 3.3.3 breaks `a and not b`, pySigma issue #548).

Canonical text: and/or are flattened (nested same operator merged, one-child
groups unwrapped), leaves are `<field or *> <op>[:cs][:flags] <value>` with
string values as canonical globs (literal backslash, star and question mark
escaped with a backslash) between « ».
"""
import json
import os
import re
import sys

from sigma.collection import SigmaCollection
from sigma.conditions import ConditionAND, ConditionFieldEqualsValueExpression, ConditionNOT, ConditionOR, ConditionValueExpression
from sigma.types import (Placeholder, SigmaBool, SigmaCasedString, SigmaCIDRExpression, SigmaCompareExpression, SigmaExists,
                         SigmaExpansion, SigmaFieldReference, SigmaNull, SigmaNumber, SigmaRegularExpression, SigmaString,
                         SigmaTimestampPart, SpecialChars)

LEADING_FLAGS = re.compile(r'^\(\?([aiLmsux]+)\)')


def glob(s):
    out, prev = '', None
    for p in s.s:
        if isinstance(p, str):
            out += p.replace('\\', '\\\\').replace('*', '\\*').replace('?', '\\?')
            prev = 'lit'
        elif isinstance(p, Placeholder):
            out += ('%' + p.name + '%').replace('\\', '\\\\')
            prev = 'ph'
        elif p == SpecialChars.WILDCARD_MULTI:
            if prev != 'star':
                out += '*'
            prev = 'star'
        else:
            out += '?'
            prev = 'one'
    return out


def literal(s):
    return ''.join(p if isinstance(p, str) else '%' + p.name + '%' for p in s.s)


def leaf(field, v):
    f = field if field is not None else '*'
    if isinstance(v, SigmaExpansion):
        return flat('or', [leaf(field, m) for m in v.values])
    if isinstance(v, SigmaString):
        cs = ':cs' if isinstance(v, SigmaCasedString) else ''
        if field is None:
            return f'{f} match{cs} «{glob(v)}»'
        if any(isinstance(p, SpecialChars) for p in v.s):
            return f'{f} wildcard{cs} «{glob(v)}»'
        return f'{f} eq{cs} «{literal(v)}»'
    if isinstance(v, SigmaExists):
        return f'{f} exists true' if v.exists else ('not', [f'{f} exists true'])
    if isinstance(v, SigmaCompareExpression):
        n = v.number
        if isinstance(n, SigmaTimestampPart):  # ruleatlas: a computed field
            f = f'{n.timestamp_part.name.lower()}({f})'
        return f'{f} {v.op.name.lower()} {n.number}'
    if isinstance(v, SigmaTimestampPart):
        return f'{v.timestamp_part.name.lower()}({f}) eq {v.number}'
    if isinstance(v, SigmaNumber):
        return f'{f} match «{v.number}»' if field is None else f'{f} eq {v.number}'
    if isinstance(v, SigmaBool):
        return f'{f} eq {"true" if v.boolean else "false"}'
    if isinstance(v, SigmaNull):
        return f'{f} eq null'
    if isinstance(v, SigmaRegularExpression):
        flags = {'IGNORECASE': 'i', 'MULTILINE': 'm', 'DOTALL': 's'}
        fl = {flags[x.name] for x in v.flags}
        src = str(v.regexp)
        m = LEADING_FLAGS.match(src)
        if m and all(c in 'ims' for c in m.group(1)):
            fl |= set(m.group(1))
            src = src[m.end():]
        fl = ''.join(sorted(fl))
        return f'{f} regex_match{":" + fl if fl else ""} «{src}»'
    if isinstance(v, SigmaCIDRExpression):
        return f'{f} cidr «{v.cidr}»'
    if isinstance(v, SigmaFieldReference):
        return f'{f} {"wildcard" if v.starts_with or v.ends_with else "eq"} @{v.field}'
    return f'{f} ?{type(v).__name__}'


def flat(op, kids):
    out = []
    for k in kids:
        if isinstance(k, tuple) and k[0] == op:
            out.extend(k[1])
        else:
            out.append(k)
    return out[0] if len(out) == 1 else (op, out)


def tree(n):
    if isinstance(n, ConditionNOT):
        return ('not', [tree(n.args[0])])
    if isinstance(n, ConditionAND):
        return flat('and', [tree(a) for a in n.args])
    if isinstance(n, ConditionOR):
        return flat('or', [tree(a) for a in n.args])
    if isinstance(n, ConditionFieldEqualsValueExpression):
        return leaf(n.field, n.value)
    if isinstance(n, ConditionValueExpression):
        return leaf(None, n.value)
    return '?' + type(n).__name__


def show(t):
    return t if isinstance(t, str) else t[0] + '(' + ', '.join(show(k) for k in t[1]) + ')'


def main(dirs):
    res = {}
    for d in dirs:
        for dp, _, files in os.walk(d):
            for name in files:
                if not name.endswith('.yml'):
                    continue
                path = os.path.join(dp, name)
                try:
                    rules = SigmaCollection.from_yaml(open(path, encoding='utf-8').read()).rules
                    res[path] = [show(tree(c.parse())) for r in rules for c in r.detection.parsed_condition]
                except Exception as e:  # report, never stop
                    res[path] = ['ERROR ' + type(e).__name__ + ': ' + str(e)[:300]]
    json.dump(res, sys.stdout, ensure_ascii=False)


if __name__ == '__main__':
    main(sys.argv[1:])
