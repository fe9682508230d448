#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Render the chat templates in tests/data/chat_templates/ with Python jinja2, configured the way
Hugging Face transformers configures it for apply_chat_template, and write the results to
tests/data/chat_templates/expected.json. The C++ tests (tests/core/chat/) compare Quanta's
interpreter against this file byte for byte.

transformers' environment (transformers/utils/chat_template_utils.py, _compile_jinja_template):
ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols]),
a tojson filter that is json.dumps(ensure_ascii=False, indent=..., separators=..., sort_keys=...),
and the globals raise_exception(message) and strftime_now(format). keep_trailing_newline keeps the
jinja2 default (False). Run: python3 scripts/chat_template_reference.py [--check]
"""
import json
import os
import sys
from datetime import datetime

import jinja2
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "chat_templates")


class RaisedByTemplate(Exception):
    pass


def make_env():
    def raise_exception(message):
        raise RaisedByTemplate(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(fmt):
        return datetime.now().strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


# Special tokens as each model's tokenizer_config.json declares them.
MODELS = {
    "smollm2-135m-instruct": ("<|im_start|>", "<|im_end|>"),
    "llama-2-7b-chat": ("<s>", "</s>"),
    "meta-llama-3-8b-instruct": ("<|begin_of_text|>", "<|eot_id|>"),
    "llama-3.1-8b-instruct": ("<|begin_of_text|>", "<|eot_id|>"),
    "mistral-7b-instruct-v0.1": ("<s>", "</s>"),
    "mistral-7b-instruct-v0.2": ("<s>", "</s>"),
    "qwen2-7b-instruct": ("", "<|im_end|>"),
    "qwen2.5-7b-instruct": ("", "<|im_end|>"),
    "gemma-2b-it": ("<bos>", "<eos>"),
    "phi-3-mini-4k-instruct": ("<s>", "<|endoftext|>"),
    "zephyr-7b-beta": ("<s>", "</s>"),
}


def m(role, content):
    return {"role": role, "content": content}


CONVERSATIONS = {
    "system_user": [m("system", "You are a helpful assistant."), m("user", "Hello!")],
    "user_only": [m("user", "What is 2+2?")],
    "multi_turn": [m("user", "Hi"), m("assistant", "Hello! How can I help?"), m("user", "Tell me a joke."),
                   m("assistant", "   Why did the chicken cross the road?   "), m("user", "Why?")],
    "system_multi_turn": [m("system", "Be brief."), m("user", "Hi"), m("assistant", "Hello."),
                          m("user", "Bye")],
    "unicode": [m("user", "안녕하세요! 오늘 날씨 어때요? 🌤️\n두 줄째 \"따옴표\" 와 \\백슬래시"),
                m("assistant", "맑아요 ☀️👍\n\n- 항목 1\n- 항목 2\t탭"),
                m("user", "  고마워요 🙏  ")],
    "not_alternating": [m("user", "one"), m("user", "two")],
    "ends_with_assistant": [m("user", "Start"), m("assistant", "Done")],
}

# Small templates that pin down individual language features. They are checked against jinja2 too.
FEATURES = {
    "loop_vars": "{% for x in items %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}"
                 "/{{ loop.length }}/{{ loop.first }}/{{ loop.last }}:{{ x }};{% endfor %}",
    "for_if_else": "{% for x in items if x > 1 %}{{ x }}{{ ',' if not loop.last }}{% else %}none{% endfor %}|"
                   "{% for x in [] %}{{ x }}{% else %}empty{% endfor %}",
    "loop_cycle_prev": "{% for x in items %}{{ loop.cycle('a', 'b') }}{{ loop.previtem is defined }}{% endfor %}",
    "slices": "{{ items[1:] }}|{{ items[::-1] }}|{{ items[:-1] }}|{{ items[-1] }}|{{ 'hello'[1:3] }}|{{ 'abc'[::-1] }}",
    "namespace": "{% set ns = namespace(found=false, n=0) %}{% for x in items %}{% set ns.n = ns.n + x %}"
                 "{% if x == 2 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }} {{ ns.n }}",
    "set_scoping": "{% set a = 1 %}{% for x in items %}{% set a = x %}{% endfor %}{{ a }}",
    "arith": "{{ 7 // 2 }} {{ 7 / 2 }} {{ 7 % 3 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 1.5 + 2 }} {{ 10 - 3 * 2 }}"
             " {{ 4 / 2 }} {{ 0.1 + 0.2 }} {{ 1e3 }} {{ 2.50 }} {{ 1 + true }}",
    "strings": "{{ 'a' ~ 1 ~ none }} {{ \"x\\ty\\\\n\" }} {{ 'it\\'s' }} {{ 'ab' * 3 }} {{ 'Hello World'.upper() }}"
               " {{ 'Hello World'.lower() }} {{ 'hello world'.title() }} {{ 'hELLO'.capitalize() }}",
    "string_methods": "[{{ '  pad  '.strip() }}][{{ '  pad  '.lstrip() }}][{{ '  pad  '.rstrip() }}]"
                      "[{{ 'xxhixx'.strip('x') }}][{{ 'a,b,,c'.split(',') }}][{{ ' a  b '.split() }}]"
                      "[{{ 'abc'.startswith('ab') }}][{{ 'abc'.endswith('bc') }}][{{ 'a-b-c'.replace('-', '+') }}]"
                      "[{{ 'abcabc'.find('c') }}][{{ 'abc'.count('b') if false else 'x' }}]",
    "filters": "{{ '  t  ' | trim }}|{{ items | length }}|{{ items | count }}|{{ 'Ab' | upper }}{{ 'Ab' | lower }}"
               "|{{ 'ab cd' | title }}|{{ 'aB' | capitalize }}|{{ 'aaa' | replace('a', 'b') }}|{{ items | join(', ') }}"
               "|{{ items | first }}|{{ items | last }}|{{ 'ab' | list }}|{{ 42 | string }}|{{ '12' | int + 1 }}"
               "|{{ undefined_var | default('dflt') }}|{{ none | d('x', true) }}|{{ '<b>' | safe }}|{{ items | reverse | list }}"
               "|{{ [3, 1, 2] | sort }}|{{ items | sum }}|{{ [1, 5, 2] | max }}|{{ [4, 2] | min }}|{{ 'x' | length }}",
    "tojson": "{{ {'a': 1, 'b': [true, none, 'é\"\\n'], 'c': {'d': 1.5}} | tojson }}|{{ 'x' | tojson }}"
              "|{{ {'k': [1, 2], 'e': {}} | tojson(indent=2) }}|{{ [] | tojson(indent=4) }}",
    "dicts": "{% set d = {'b': 2, 'a': 1} %}{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}"
             "{{ d.keys() | list }}{{ d.values() | list }}{{ d.get('a') }}{{ d.get('z', 'none') }}{{ d['b'] }}{{ d.b }}"
             "{{ 'a' in d }}{{ 'z' not in d }}{% for k, v in d | items %}{{ k }}{% endfor %}{{ d | length }}",
    "tests": "{{ x is defined }}{{ y is defined }}{{ y is undefined }}{{ none is none }}{{ 1 is not none }}{{ 's' is string }}"
             "{{ {} is mapping }}{{ [] is iterable }}{{ 's' is iterable }}{{ 3 is number }}{{ 3 is integer }}"
             "{{ 3.0 is float }}{{ 4 is even }}{{ 3 is odd }}{{ 6 is divisibleby(3) }}{{ [] is sequence }}"
             "{{ true is boolean }}{{ 'a' is equalto('a') }}{{ 2 is eq(2) }}{{ 'abc' is lower }}{{ 'ABC' is upper }}",
    "logic": "{{ 1 < 2 and 2 <= 2 }}{{ not 1 == 1 or 3 > 2 }}{{ 1 != 1 }}{{ 'a' in 'cat' }}{{ 2 in [1, 2] }}{{ 0 or 'fb' }}"
             "{{ '' and 'x' }}{{ 'x' if [] else 'y' }}{{ none == none }}{{ [1, 2] == [1, 2] }}{{ 1 == 1.0 }}{{ 'a' < 'b' }}",
    "map_select": "{{ people | map(attribute='name') | join(',') }}|{{ people | selectattr('age', 'gt', 30) | map(attribute='name') | list }}"
                  "|{{ people | rejectattr('age', 'gt', 30) | map(attribute='name') | first }}|{{ ['a', 'b'] | map('upper') | join }}"
                  "|{{ [1, 2, 3, 4] | select('odd') | list }}|{{ [1, 2, 3, 4] | reject('even') | list }}|{{ people | selectattr('admin') | list | length }}",
    "whitespace": "a  {{- ' b ' -}}  c\n  {%- if true %}\n    d\n  {% endif -%}\n  e {#- comment -#} f\n{% if true %}  g\n{% endif %}",
    "lstrip_blocks": "line\n    {% if true %}\n    inside\n    {% endif %}\nend\n  {# c #}\nz  {{ 'v' }}\n",
    "raw_and_comments": "{# a comment with {{ braces }} #}x{% raw %}{{ not evaluated }}{% endraw %}y",
    "macro": "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', '?') }}"
             " {{ greet(name='C') }}",
    "loop_controls": "{% for x in items %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 3 %}{% break %}{% endif %}{{ x }}{% endfor %}",
    "range": "{{ range(3) | list }}{{ range(1, 7, 2) | list }}{% for i in range(2, 0, -1) %}{{ i }}{% endfor %}",
    "nested_access": "{{ people[0]['name'] }}{{ people[1].age }}{{ people[-1].name | upper }}{{ people | length }}",
    "undefined_ops": "[{{ nothing }}][{{ nothing.attr is defined }}][{{ people[0].missing }}][{{ people[0].missing is defined }}]",
    "undefined_print": "[{{ nothing }}][{{ nothing is defined }}][{{ people[0].missing }}][{{ people[0].missing is defined }}]"
                       "[{{ people[0]['missing'] | default('d') }}][{{ nothing | length }}][{% for x in nothing %}{{ x }}{% endfor %}]",
    "numbers": "{{ 2 ** -1 }} {{ 2 ** 0.5 }} {{ -2 ** 2 }} {{ 10 / 4 }} {{ 1e20 }} {{ 1.5e-7 }} {{ 123456789.125 }} {{ 0.1 * 3 }}"
               " {{ 3 | float }} {{ '2.5' | float }} {{ 2.7 | int }} {{ -2.7 | int }} {{ 'x' | int }} {{ -3 | abs }} {{ 2.5 | round }}"
               " {{ 3.14159 | round(2) }} {{ 7 // 2.0 }} {{ -7.5 % 2 }} {{ 1 / 3 }} {{ 2 ** 62 }} {{ 1 == true }} {{ 0.0 == false }}",
    "set_block_filter": "{% set x %}Hello {{ items | length }}{% endset %}[{{ x }}]{% filter upper %}shout {{ x }}{% endfilter %}"
                        "{% macro wrap() %}<{{ caller() }}>{% endmacro %}{% call wrap() %}in{{ 1 + 1 }}{% endcall %}",
    "real_idioms": "{% set msgs = [{'role': 'system', 'content': 'S'}, {'role': 'user', 'content': 'a</think>\\n\\nb '}] %}"
                   "{{ msgs | selectattr('role', 'equalto', 'system') | list | length }}"
                   "{{ msgs[1].content.split('</think>')[-1].lstrip('\\n') }}|{{ msgs[0]['content'] is string }}"
                   "{% for m in msgs %}{{ loop.index0 % 2 == 0 }}{% endfor %}{{ [1, 2] + [3] }}{{ 'a' in ['a'] }}"
                   "{{ msgs | map(attribute='role') | join('/') }}{{ (msgs | last).content | trim }}{{ msgs[1:] | length }}"
                   "{{ {'b': 1, 'a': 2} | dictsort }}{{ [3, 1, 3] | unique | list }}{{ 'A' ~ 1.0 }}{{ '%d' if false else 'n' }}",
    "unicode_strings": "{{ '안녕하세요'[1:3] }}|{{ '안녕' | length }}|{{ '😀x' | list }}|{{ '  가 ' | trim }}|{{ 'ÄÖ' | lower }}"
                       "|{{ 'é' | tojson }}|{{ '한' | upper }}|{{ '가나다'[::-1] }}|{{ '😀' ~ 1 }}",
    "unicode_case": "{{ 'straße' | upper }}|{{ 'ΑΒΓ Δέκα' | lower }}|{{ 'Привет, Ёж' | upper }}|{{ 'ÿŸ' | upper }}"
                    "|{{ 'ĀāĹĺŽž' | lower }}{{ 'ĀāĹĺŽž' | upper }}|{{ 'ＡＢｃ'.lower() }}|{{ 'µ'.upper() }}|{{ 'ÉCOLE' | capitalize }}",
    "if_elif": "{% for x in [1, 2, 3] %}{% if x == 1 %}one{% elif x == 2 %}two{% else %}many{% endif %} {% endfor %}",
    "literals": "{{ True }}{{ False }}{{ None }}{{ true }}{{ [1, 'a', [2]] }}{{ {'k': 'v'} }}{{ (1, 2) }}{{ -3 }}{{ 3.0 }}{{ 1.0e-5 }}",
    "string_repr": "{{ ['it\\'s', \"q\\\"\", 'a\\nb'] }}{{ {'x': none, 'y': true} }}",
    "join_attr": "{{ people | join(', ', attribute='name') }}|{{ people | map(attribute='missing', default='?') | join }}",
}

FEATURE_VARS = {
    "items": [1, 2, 3],
    "x": 5,
    "people": [{"name": "ann", "age": 31, "admin": True}, {"name": "bob", "age": 25}],
}

ERROR_FEATURES = {
    "raise": "{{ raise_exception('custom failure: ' ~ 42) }}",
}


def render_case(env, source, variables):
    try:
        return {"output": env.from_string(source).render(**variables)}
    except RaisedByTemplate as e:
        return {"error": str(e)}
    except TemplateError as e:
        return {"error": "jinja2: " + str(e)}


def main():
    env = make_env()
    cases = []
    for model, (bos, eos) in MODELS.items():
        with open(os.path.join(DATA, model + ".jinja"), encoding="utf-8") as f:
            source = f.read()
        for conv_name, conv in CONVERSATIONS.items():
            for agp in (True, False):
                variables = {"messages": conv, "add_generation_prompt": agp, "bos_token": bos, "eos_token": eos}
                case = {"template": model, "conversation": conv_name, "add_generation_prompt": agp,
                        "bos_token": bos, "eos_token": eos, "variables": {}}
                case.update(render_case(env, source, variables))
                cases.append(case)
        if model.startswith("llama-3.1"):
            variables = {"messages": CONVERSATIONS["system_user"], "add_generation_prompt": True,
                         "bos_token": bos, "eos_token": eos, "date_string": "23 Nov 2026"}
            case = {"template": model, "conversation": "system_user", "add_generation_prompt": True,
                    "bos_token": bos, "eos_token": eos, "variables": {"date_string": "23 Nov 2026"}}
            case.update(render_case(env, source, variables))
            cases.append(case)
    features = []
    for name, source in list(FEATURES.items()) + list(ERROR_FEATURES.items()):
        feature = {"name": name, "source": source}
        feature.update(render_case(env, source, FEATURE_VARS))
        features.append(feature)
    out = {
        "generator": "scripts/chat_template_reference.py",
        "jinja2_version": jinja2.__version__,
        "conversations": CONVERSATIONS,
        "cases": cases,
        "feature_variables": FEATURE_VARS,
        "features": features,
    }
    text = json.dumps(out, ensure_ascii=False, indent=1) + "\n"
    path = os.path.join(DATA, "expected.json")
    if "--check" in sys.argv:
        with open(path, encoding="utf-8") as f:
            if f.read() != text:
                print("expected.json is out of date", file=sys.stderr)
                return 1
        return 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {len(cases)} cases and {len(features)} features to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
