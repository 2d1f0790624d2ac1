"""axe-core in the browser (bundled by axe-playwright-python, offline): which rules to run and
how to report what it finds."""

from axe_playwright_python.sync_playwright import Axe

# The rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
# The dark scheme changes colours only: there, the colour rules.
DARK_OPTIONS = {
    "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"critical", "serious"}


def violations(page, options=AXE_OPTIONS) -> list[dict]:
    return Axe().run(page, options=options).response["violations"]


def describe(found: list[dict]) -> str:
    lines = []
    for violation in found:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}] at {targets}"
        )
    return "\n".join(lines)


def counts(found: list[dict]) -> dict[str, int]:
    levels = ["critical", "serious", "moderate", "minor"]
    return {level: sum(v["impact"] == level for v in found) for level in levels}
