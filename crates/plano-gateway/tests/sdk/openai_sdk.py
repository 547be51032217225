"""Drives the gateway with the official `openai` Python SDK and prints what it saw as JSON.

usage: openai_sdk.py BASE_URL MODEL CASE
CASE: text | stream | tools | tools_stream | bad_model
The Rust test that runs this asserts on the printed JSON, so everything checked is printed.
"""
import json
import sys

import openai

base_url, model, case = sys.argv[1], sys.argv[2], sys.argv[3]
client = openai.OpenAI(base_url=base_url + "/v1", api_key="client-key-not-used", max_retries=0)
messages = [
    {"role": "system", "content": "be brief"},
    {"role": "user", "content": "hello from the openai sdk"},
]
tools = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        },
    }
]
out = {}
if case == "text":
    r = client.chat.completions.create(model=model, messages=messages, max_tokens=50)
    c = r.choices[0]
    out = {"id": r.id, "model": r.model, "content": c.message.content, "finish_reason": c.finish_reason,
           "usage": r.usage.model_dump() if r.usage else None}
elif case in ("stream", "tools_stream"):
    kwargs = {"tools": tools} if case == "tools_stream" else {}
    stream = client.chat.completions.create(model=model, messages=messages, stream=True,
                                            stream_options={"include_usage": True}, **kwargs)
    content, finish, usage, chunks, calls = "", None, None, 0, {}
    for chunk in stream:
        chunks += 1
        if chunk.usage:
            usage = chunk.usage.model_dump()
        for ch in chunk.choices:
            if ch.delta.content:
                content += ch.delta.content
            for tc in ch.delta.tool_calls or []:
                slot = calls.setdefault(tc.index, {"id": None, "name": "", "arguments": ""})
                if tc.id:
                    slot["id"] = tc.id
                if tc.function and tc.function.name:
                    slot["name"] += tc.function.name
                if tc.function and tc.function.arguments:
                    slot["arguments"] += tc.function.arguments
            if ch.finish_reason:
                finish = ch.finish_reason
    out = {"content": content, "finish_reason": finish, "usage": usage, "chunks": chunks,
           "tool_calls": [calls[i] for i in sorted(calls)]}
elif case == "tools":
    r = client.chat.completions.create(model=model, messages=messages, tools=tools, tool_choice="auto")
    c = r.choices[0]
    out = {"finish_reason": c.finish_reason, "content": c.message.content,
           "tool_calls": [{"id": t.id, "name": t.function.name, "arguments": t.function.arguments}
                          for t in c.message.tool_calls or []]}
elif case == "bad_model":
    try:
        client.chat.completions.create(model=model, messages=messages)
        out = {"error": None}
    except openai.APIStatusError as e:
        out = {"status": e.status_code, "message": e.message, "body": e.body,
               "plano_error": e.response.headers.get("x-plano-error")}
else:
    raise SystemExit(f"unknown case {case}")
print(json.dumps(out))
