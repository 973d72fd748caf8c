"""Links from reports and ``focalrd derive`` to a claim's anchor in the documentation.

Every claim of the catalogue is stated in ``docs/theory/<page>.md`` under an anchor
whose id is the claim id itself (``<a id="tau.bracket"></a>``), so the anchor is
``#tau.bracket`` both in the Markdown source (GitHub and most viewers) and in the
built site (``docs/_build/html/theory/<page>.html#tau.bracket``).

Where a link points:

* with the environment variable ``FOCALRD_DOCS_URL`` set (a URL or path of the
  built site, e.g. ``https://example.org/focalrd`` or ``/home/me/focalrd/docs/_build/html``),
  to ``$FOCALRD_DOCS_URL/theory/<page>.html#<claim id>`` in every format;
* otherwise relative to a report in ``reports/`` of a clone (the default output
  directory): ``../docs/theory/<page>.md#<id>`` from ``report.md`` and
  ``../docs/_build/html/theory/<page>.html#<id>`` from ``report.html`` (build the
  site first, see the README's Documentation section);
* for ``focalrd derive``, the path from the repository root: ``docs/theory/<page>.md#<id>``.

User claims (ids not in :data:`CLAIM_PAGES`) get no link.
"""

from __future__ import annotations

import os
import re

__all__ = ["CLAIM_PAGES", "DOCS_URL_VARIABLE", "claim_doc_link", "claim_page", "docs_base",
           "is_docs_link"]

#: Environment variable naming the base URL (or path) of the built documentation site.
DOCS_URL_VARIABLE = "FOCALRD_DOCS_URL"

_LOSS, _ONE_SHOT, _BLOCKS, _FINDINGS = ("theory/loss", "theory/one-shot", "theory/blocks",
                                        "theory/findings")
_OWN_CLAIMS = "guide/own-claims"

#: The documentation page (under docs/, without suffix) stating each catalogue claim.
#: ``tests/test_docs_anchors.py`` checks it against the registry and the anchors in docs/.
CLAIM_PAGES: dict[str, str] = {
    **dict.fromkeys(("phi.reduces-to-log", "phi.decreasing", "phi.convex",
                     "phi.monotone-in-gamma", "phi.gap", "c-gamma.values", "tau.inverse",
                     "tau.bracket", "tau.expansion", "tilted.reduces-to-log"), _LOSS),
    **dict.fromkeys(("excess.exact", "excess.log-loss", "excess.tilted-bounds",
                     "excess.weighted", "avg.weight-absorption", "focal-entropy.unique",
                     "avg.exact", "avg.sandwich"), _ONE_SHOT),
    **dict.fromkeys(("n.excess-exact", "n.dstar-closed-form", "n.excess-sandwich",
                     "n.second-order", "n.avg-sandwich", "asymptotic.equivalence",
                     "n.simulation", "n.saddlepoint", "eval.bits-and-weights"), _BLOCKS),
    **dict.fromkeys(("summary.hgamma-monotone", "summary.hgamma-nonnegative",
                     "summary.hgamma-max", "focal-entropy.structure"), _FINDINGS),
    # a control of the runner itself (verify/claims/runner_control.py), not of the theory
    "runner.inconclusive-control": _OWN_CLAIMS,
}


def claim_page(claim_id: str) -> str | None:
    """The docs page stating ``claim_id`` (``"theory/loss"``), or None for a user claim."""
    return CLAIM_PAGES.get(str(claim_id))


def claim_doc_link(claim_id: str, fmt: str = "md") -> str | None:
    """The link to the anchor of ``claim_id`` in the documentation, or None.

    ``fmt`` is ``"md"`` (from ``reports/report.md``), ``"html"`` (from
    ``reports/report.html``) or ``"repo"`` (a path from the repository root).

    >>> claim_doc_link("tau.bracket", "md") if not os.environ.get(DOCS_URL_VARIABLE) else None
    '../docs/theory/loss.md#tau.bracket'
    >>> claim_doc_link("my.own-claim") is None
    True
    """
    page = claim_page(claim_id)
    if page is None:
        return None
    base = docs_base()
    if base:
        return f"{base}/{page}.html#{claim_id}"
    if fmt == "html":
        return f"../docs/_build/html/{page}.html#{claim_id}"
    if fmt == "repo":
        return f"docs/{page}.md#{claim_id}"
    return f"../docs/{page}.md#{claim_id}"


# A base is an http(s) or file URL, or a path; nothing that could become markup or a script.
_SAFE_BASE = re.compile(r"^(?:https?://|file://)?[A-Za-z0-9._~/%:@+-]+$")


def docs_base() -> str | None:
    """``$FOCALRD_DOCS_URL`` without a trailing slash, or None when unset or unsafe.

    A value with another scheme (``javascript:``), spaces, quotes or angle brackets
    is ignored, so a link built from it can never carry markup into a report.

    >>> os.environ[DOCS_URL_VARIABLE] = "javascript:alert(1)"; docs_base() is None
    True
    >>> os.environ[DOCS_URL_VARIABLE] = "https://example.org/focalrd/"; docs_base()
    'https://example.org/focalrd'
    >>> del os.environ[DOCS_URL_VARIABLE]
    """
    base = os.environ.get(DOCS_URL_VARIABLE, "").strip().rstrip("/")
    if not base or not _SAFE_BASE.match(base):
        return None
    if ":" in base.split("/", 1)[0] and not base.startswith(("http:", "https:", "file:")):
        return None
    return base


def is_docs_link(url: str) -> bool:
    """True when ``url`` is exactly the report.html link of a catalogue claim.

    For an allow-list of the HTML report: the only links it may hold besides
    in-page anchors are the ones :func:`claim_doc_link` builds.

    >>> is_docs_link(claim_doc_link("tau.bracket", "html"))
    True
    >>> is_docs_link("../docs/_build/html/theory/loss.html#no.such-claim")
    False
    """
    return any(url == claim_doc_link(claim_id, "html") for claim_id in CLAIM_PAGES)
