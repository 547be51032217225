#!/usr/bin/env python3
"""Adds models that providers list today to catalog.txt (never removes any).

Developer tool, not used at run time. Standard library only.

    python3 refresh.py                 # query every provider whose key is set, merge, rewrite
    python3 refresh.py --dry-run       # print what would be added
    python3 refresh.py --from new.json # merge {"<provider id>": ["model", ...]} instead of querying

Keys: OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, MISTRAL_API_KEY, DEEPSEEK_API_KEY,
GROQ_API_KEY, XAI_API_KEY, TOGETHER_API_KEY, MOONSHOT_API_KEY, ZHIPU_API_KEY, DASHSCOPE_API_KEY.
Providers without a key are skipped. Bedrock (SigV4-signed ListFoundationModels) is edited by hand.
"""

import argparse
import json
import os
import re
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.join(HERE, "catalog.txt")

# provider id -> (models URL, key variable, auth header style)
SOURCES = {
    "openai": ("https://api.openai.com/v1/models", "OPENAI_API_KEY", "bearer"),
    "anthropic": ("https://api.anthropic.com/v1/models?limit=1000", "ANTHROPIC_API_KEY", "anthropic"),
    "gemini": ("https://generativelanguage.googleapis.com/v1beta/openai/models", "GEMINI_API_KEY", "bearer"),
    "mistral": ("https://api.mistral.ai/v1/models", "MISTRAL_API_KEY", "bearer"),
    "deepseek": ("https://api.deepseek.com/v1/models", "DEEPSEEK_API_KEY", "bearer"),
    "groq": ("https://api.groq.com/openai/v1/models", "GROQ_API_KEY", "bearer"),
    "xai": ("https://api.x.ai/v1/models", "XAI_API_KEY", "bearer"),
    "together_ai": ("https://api.together.xyz/v1/models", "TOGETHER_API_KEY", "bearer"),
    "moonshotai": ("https://api.moonshot.ai/v1/models", "MOONSHOT_API_KEY", "bearer"),
    "zhipu": ("https://open.bigmodel.cn/api/paas/v4/models", "ZHIPU_API_KEY", "bearer"),
    "qwen": ("https://dashscope-intl.aliyuncs.com/compatible-mode/v1/models", "DASHSCOPE_API_KEY", "bearer"),
}

# Listed by the APIs but not chat models: embeddings, speech, images, moderation.
NOT_CHAT = re.compile(r"embed|whisper|tts|dall-e|image|moderation|audio|transcribe|realtime|rerank", re.I)


def fetch(provider):
    url, key_var, style = SOURCES[provider]
    key = os.environ.get(key_var)
    if not key:
        return None
    headers = {"authorization": f"Bearer {key}"}
    if style == "anthropic":
        headers = {"x-api-key": key, "anthropic-version": "2023-06-01"}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        body = json.load(r)
    items = body["data"] if isinstance(body, dict) else body
    ids = [m["id"].removeprefix("models/") for m in items]
    return [i for i in ids if not NOT_CHAT.search(i)]


def merge(lines, found):
    """Inserts unknown ids after the last model of their provider's section; returns (lines, added)."""
    sections = []  # [providers, index of the section's last line that matters, models seen]
    for i, line in enumerate(lines):
        entry = line.strip()
        if entry.startswith("[") and entry.endswith("]"):
            sections.append([entry[1:-1].split(), i, set()])
        elif entry and not entry.startswith("#") and sections:
            sections[-1][1] = i
            sections[-1][2].add(entry)
    out, added = list(lines), {}
    # Back to front, so earlier insertion points stay valid.
    for providers, last, seen in reversed(sections):
        new = []
        for provider in providers:
            for model in found.get(provider, []):
                if model not in seen and model not in new:
                    new.append(model)
                    added.setdefault(provider, []).append(model)
        out[last + 1 : last + 1] = new
    return out, added


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--from", dest="source", help="JSON file {provider: [models]} to merge instead of querying")
    args = ap.parse_args()
    if args.source:
        with open(args.source) as f:
            found = json.load(f)
    else:
        found = {}
        for provider in SOURCES:
            try:
                ids = fetch(provider)
            except Exception as e:  # one provider failing must not stop the others
                print(f"{provider}: {e}", file=sys.stderr)
                continue
            if ids is not None:
                found[provider] = ids
    with open(CATALOG) as f:
        lines = f.read().splitlines()
    out, added = merge(lines, found)
    for provider, models in added.items():
        print(f"{provider}: +{len(models)} {' '.join(models)}")
    if not args.dry_run and added:
        with open(CATALOG, "w") as f:
            f.write("\n".join(out).strip("\n") + "\n")
    print("then run: cargo test -p plano-catalog", file=sys.stderr)


if __name__ == "__main__":
    main()
