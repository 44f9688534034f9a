"""Layout and accessibility measurements of one loaded page, shared by the e2e tests and
tests/audit_storefront.py (the same numbers against a served demo).

- ``overflow``: how many css px the document is wider than the window;
- ``axe_violations``: axe-core's serious and critical violations, by rule (axe-core ships
  inside the ``axe-playwright-python`` test dependency: nothing is downloaded at test time);
- ``small_tap_targets``: links, buttons and form controls a finger hits that are smaller than
  48 × 48 css px. A checkbox or radio counts with its label (tapping the label ticks it); a
  link inside a sentence is left out, as WCAG 2.5.8 leaves it out (its size is the text's).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

MIN_TAP = 48  # css px: Android's and Lighthouse's recommended touch target
SERIOUS = ("serious", "critical")


@cache
def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def axe_violations(page, impacts=SERIOUS) -> dict[str, list[str]]:
    """{rule id: [css selector of each failing element, …]} for the given impacts."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = {}
    for violation in results["violations"]:
        if violation["impact"] not in impacts:
            continue
        found[violation["id"]] = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    return found


SMALL_TARGETS_JS = """(min) => {
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  };
  const inSentence = (el) => {
    if (el.tagName !== 'A') return false;
    const block = el.parentElement;
    if (!block || !['P', 'LI', 'DD', 'TD', 'SPAN', 'SMALL', 'FIGCAPTION'].includes(block.tagName)) return false;
    const own = [...block.childNodes].filter((n) => n !== el);
    return own.some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim().length > 0);
  };
  const box = (el) => {
    let r = el.getBoundingClientRect();
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label) {
        const l = label.getBoundingClientRect();
        const left = Math.min(r.left, l.left), top = Math.min(r.top, l.top);
        r = {width: Math.max(r.right, l.right) - left, height: Math.max(r.bottom, l.bottom) - top};
      }
    }
    return r;
  };
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex="0"]';
  const small = [];
  for (const el of document.querySelectorAll(sel)) {
    if (!visible(el) || inSentence(el) || el.closest('[inert]')) continue;
    if (el.matches('input[type=checkbox], input[type=radio]') === false && el.closest('label')
        && el.closest('label').querySelector('input[type=checkbox], input[type=radio]')) continue;
    const r = box(el);
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.tagName).trim().slice(0, 40);
      small.push(`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ')[0] : ''} `
        + `"${name}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return {small, total: document.querySelectorAll(sel).length};
}"""


def tap_targets(page, minimum=MIN_TAP) -> dict:
    """{"small": ["a.tag "Giảm 20%" 60x24", …], "total": number of candidate elements}."""
    return page.evaluate(SMALL_TARGETS_JS, minimum)


def small_tap_targets(page, minimum=MIN_TAP) -> list[str]:
    return tap_targets(page, minimum)["small"]
