#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the Memberdesk Flatpak manifest for the mistakes that only show up at build time.

Usage: check-flatpak-manifest.py MANIFEST.json
"""

import json
import re
import sys
from urllib.parse import urlparse

EXPECTED = {
    "app-id": "io.github.memberdesk.Memberdesk.Devel",
    "runtime": "org.gnome.Platform",
    "sdk": "org.gnome.Sdk",
    "command": "memberdesk",
}
REQUIRED_MODULES = ["postgresql", "libxlsxwriter", "memberdesk"]
DOWNLOADED_SOURCE_TYPES = {"archive", "file"}
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class ManifestError(Exception):
    pass


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except OSError as e:
        raise ManifestError(f"cannot read {path}: {e.strerror}") from e
    except json.JSONDecodeError as e:
        raise ManifestError(f"{path} is not valid JSON: {e}") from e
    if not isinstance(manifest, dict):
        raise ManifestError(f"{path}: the top level must be a JSON object")
    return manifest


def check_fields(manifest):
    for key, expected in EXPECTED.items():
        value = manifest.get(key)
        if key == "app-id" and value is None:
            value = manifest.get("id")
        if value != expected:
            raise ManifestError(f"{key} is {value!r}, expected {expected!r}")
        print(f"ok: {key} = {value}")
    version = manifest.get("runtime-version")
    if not isinstance(version, str) or not version:
        raise ManifestError("runtime-version must be a non-empty string")
    print(f"ok: runtime-version = {version}")


def walk_modules(modules, where="modules"):
    """Yield (name, module) for every module, nested ones included, in build order."""
    if not isinstance(modules, list):
        raise ManifestError(f"{where} must be a list")
    for index, module in enumerate(modules):
        if isinstance(module, str):
            # A path to a module in its own file: checked when that file is.
            continue
        if not isinstance(module, dict) or not module.get("name"):
            raise ManifestError(f"{where}[{index}] has no name")
        yield from walk_modules(module.get("modules", []),
                                f"module {module['name']!r} modules")
        yield module["name"], module


def check_module_order(modules):
    names = [name for name, _ in modules]
    positions = []
    for required in REQUIRED_MODULES:
        if required not in names:
            raise ManifestError(f"module {required!r} is missing (modules: {', '.join(names)})")
        positions.append(names.index(required))
    if positions != sorted(positions):
        raise ManifestError(f"modules must be built in the order {', '.join(REQUIRED_MODULES)}; "
                            f"found {', '.join(names)}")
    if names[-1] != "memberdesk":
        raise ManifestError(f"memberdesk must be the last module, found {names[-1]!r}")
    print(f"ok: modules in order: {', '.join(names)}")


def check_source(module_name, index, source):
    where = f"module {module_name!r} source {index}"
    if isinstance(source, str):
        return False
    if not isinstance(source, dict):
        raise ManifestError(f"{where} must be an object")
    if source.get("type") not in DOWNLOADED_SOURCE_TYPES:
        return False
    if "path" in source and "url" not in source:
        # A local file shipped next to the manifest has nothing to download.
        return False
    url = source.get("url")
    if not isinstance(url, str) or not url:
        raise ManifestError(f"{where} ({source['type']}) has no url")
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.netloc:
        raise ManifestError(f"{where} url is not an https URL: {url}")
    sha256 = source.get("sha256")
    if not isinstance(sha256, str) or not SHA256_RE.match(sha256):
        raise ManifestError(f"{where} ({url}) needs a sha256 of 64 lowercase hex digits, "
                            f"got {sha256!r}")
    print(f"ok: {module_name}: {url} sha256 {sha256}")
    return True


def check_sources(modules):
    checked = 0
    for name, module in modules:
        sources = module.get("sources", [])
        if not isinstance(sources, list) or not sources:
            raise ManifestError(f"module {name!r} has no sources")
        for index, source in enumerate(sources):
            checked += check_source(name, index, source)
    print(f"ok: {checked} downloaded source(s) have an https url and a sha256")


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} MANIFEST.json", file=sys.stderr)
        return 2
    path = argv[1]
    print(f"checking {path}")
    try:
        manifest = load(path)
        check_fields(manifest)
        modules = list(walk_modules(manifest.get("modules")))
        check_module_order(modules)
        check_sources(modules)
    except ManifestError as e:
        print(f"FAIL: {path}: {e}", file=sys.stderr)
        return 1
    print("manifest OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
