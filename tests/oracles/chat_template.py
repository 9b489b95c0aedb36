"""
The reference rendering of a chat template: Python's Jinja2 set up as Hugging Face transformers sets it up in
apply_chat_template (utils/chat_template_utils.py: _compile_jinja_template and render_jinja_template):
an ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks and the loopcontrols extension, a tojson filter
that is json.dumps with ensure_ascii=False, and the globals raise_exception and strftime_now. The template is
rendered with messages, tools, documents, add_generation_prompt and the other variables (the tokenizer's
special tokens, switches such as enable_thinking), as transformers passes them.

Reads a JSON object {"template", "cases": [{"variables": {...}}]} on stdin; writes a JSON list with, per case,
{"rendered": str} or {"error": str}.
"""
import json
import sys
from datetime import datetime

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return datetime.now().strftime(format)


def main():
    request = json.load(sys.stdin)
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    template = env.from_string(request["template"])
    out = []
    for case in request["cases"]:
        variables = {"tools": None, "documents": None, **case["variables"]}
        try:
            out.append({"rendered": template.render(**variables)})
        except Exception as e:  # the template's own error, as transformers would raise it
            out.append({"error": f"{type(e).__name__}: {e}"})
    json.dump(out, sys.stdout, ensure_ascii=False)


main()
