"""Drives the gateway with the official `anthropic` Python SDK and prints what it saw as JSON.

usage: anthropic_sdk.py BASE_URL MODEL CASE
CASE: text | stream | tools | tools_stream | bad_model
"""
import json
import sys

import anthropic

base_url, model, case = sys.argv[1], sys.argv[2], sys.argv[3]
client = anthropic.Anthropic(base_url=base_url, api_key="client-key-not-used", max_retries=0)
messages = [{"role": "user", "content": "hello from the anthropic sdk"}]
tools = [
    {
        "name": "get_weather",
        "description": "weather for a city",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    }
]


def blocks(message):
    res = []
    for b in message.content:
        if b.type == "text":
            res.append({"type": "text", "text": b.text})
        elif b.type == "tool_use":
            res.append({"type": "tool_use", "id": b.id, "name": b.name, "input": b.input})
        elif b.type == "thinking":
            res.append({"type": "thinking", "thinking": b.thinking})
        else:
            res.append({"type": b.type})
    return res


out = {}
if case == "text":
    m = client.messages.create(model=model, max_tokens=50, system="be brief", messages=messages)
    out = {"id": m.id, "model": m.model, "stop_reason": m.stop_reason, "content": blocks(m),
           "usage": {"input_tokens": m.usage.input_tokens, "output_tokens": m.usage.output_tokens}}
elif case in ("stream", "tools_stream"):
    kwargs = {"tools": tools} if case == "tools_stream" else {}
    events = []
    with client.messages.stream(model=model, max_tokens=50, system="be brief", messages=messages, **kwargs) as s:
        for ev in s:
            events.append(ev.type)
        m = s.get_final_message()
    out = {"events": events, "stop_reason": m.stop_reason, "content": blocks(m),
           "usage": {"input_tokens": m.usage.input_tokens, "output_tokens": m.usage.output_tokens}}
elif case == "tools":
    m = client.messages.create(model=model, max_tokens=50, messages=messages, tools=tools)
    out = {"stop_reason": m.stop_reason, "content": blocks(m)}
elif case == "bad_model":
    try:
        client.messages.create(model=model, max_tokens=10, messages=messages)
        out = {"error": None}
    except anthropic.APIStatusError as e:
        out = {"status": e.status_code, "message": e.message, "body": e.body,
               "plano_error": e.response.headers.get("x-plano-error")}
else:
    raise SystemExit(f"unknown case {case}")
print(json.dumps(out))
