"""Generators for what the OpenAPI document says in words because JSON Schema cannot say it.

Schemathesis generates every other value from the document itself. These cover:
- a CSV snapshot (`text/csv`): a header naming externalId and login, and rows of the same width;
- logins and externalIds unique within a JSON snapshot (logins compared without regard to case);
- app ids that name existing apps, in a new group rule;
- the System Log filter language (the string format `system-log-filter`);
- a webhook URL: one that refuses at once (port 9 on loopback), so deliveries and tests end in
  a moment instead of waiting on whatever host a generated URL names;
- an app's live source: the same refusing port, a file that does not exist, and a valid DN and
  LDAP filter.

Each applies only to the requests Schemathesis means to be valid; the requests it means to be
invalid are left as generated, so the server is still held to refusing them.

Loaded by scripts/contract-tests.sh through SCHEMATHESIS_HOOKS.
"""

import csv
import io
import json
import os
import urllib.request

import schemathesis
from hypothesis import strategies as st

# Text without the characters no cell of an HR export holds (NUL and the other controls).
cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
    max_size=20,
)
# Column names of attributes: not the five known columns, not repeated.
KNOWN = {"externalId", "login", "firstName", "lastName", "email"}
# The server trims a column's name: a name that is blank, or that trimming changes (and so may
# make two columns one), is not a name a valid file has.
attribute_name = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(lambda name: name.strip() == name and name and name not in KNOWN)


@st.composite
def csv_snapshot(draw):
    optional = draw(st.lists(st.sampled_from(["firstName", "lastName", "email"]), unique=True))
    attributes = draw(st.lists(attribute_name, max_size=4, unique=True))
    header = ["externalId", "login", *optional, *attributes]
    header = draw(st.permutations(header))
    rows = []
    for i in range(draw(st.integers(min_value=0, max_value=8))):
        row = {name: draw(cell) for name in header}
        # Ids and logins: never blank, unique in the file.
        row["externalId"] = f"{row['externalId'].strip()}-{i}"
        row["login"] = f"{row['login'].strip()}.{i}"
        rows.append([row[name] for name in header])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


schemathesis.openapi.media_type("text/csv", csv_snapshot())


def _positive(case):
    return case.meta is not None and case.meta.generation.mode.is_positive


@schemathesis.hook
def map_case(ctx, case):
    operation = ctx.operation
    if operation is None or not _positive(case) or not isinstance(case.body, dict):
        return case
    if operation.method.upper() == "POST" and operation.path.endswith("/imports"):
        users = case.body.get("users")
        if isinstance(users, list):
            for i, user in enumerate(users):
                if isinstance(user, dict):
                    # A suffix of the user's place makes every id and login unique however
                    # case is folded, within the 256-character limit.
                    suffix = f".{i}"
                    for field in ("externalId", "login"):
                        value = str(user.get(field, "x"))
                        user[field] = value[: 256 - len(suffix)] + suffix
    elif "/webhooks" in operation.path and "url" in case.body:
        case.body["url"] = "http://127.0.0.1:9/hook"
    elif operation.method.upper() == "PUT" and operation.path.endswith("/source"):
        live_source(case.body)
    elif operation.path in ("/api/v1/apps", "/api/v1/apps/{appId}") and operation.method.upper() in (
        "POST",
        "PATCH",
    ):
        # A rank another profile source holds, and settings only a profile source has, depend
        # on the apps already there: refused with a 422 that names them, which JSON Schema
        # cannot say. Leave them out of the requests meant to be taken.
        case.body.pop("profileSourcePriority", None)
        if operation.method.upper() == "PATCH":
            case.body.pop("reactivateOnReturn", None)
    elif operation.method.upper() == "POST" and operation.path.endswith("/group-rules"):
        ids = case.body.get("appIds")
        known = existing_app_ids()
        if isinstance(ids, list) and known:
            case.body["appIds"] = [known[i % len(known)] for i in range(len(ids))]
    return case


def live_source(body):
    """A source the server takes and can fail to read at once: every address a port on loopback
    that refuses, every file one that does not exist, and the shapes JSON Schema cannot say (a
    DN, a balanced LDAP filter, a PEM block) made valid."""
    kind = body.get("kind")
    if kind == "upload":
        body["schedule"] = None
    if kind == "ldap":
        body["url"] = "ldap://127.0.0.1:9"
        body["baseDn"] = "dc=example,dc=com"
        body["filter"] = "(objectClass=inetOrgPerson)"
        if "bindDn" in body:
            body["bindDn"] = "cn=reader,dc=example,dc=com"
        if "caCertificate" in body:
            body["caCertificate"] = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"
    if kind == "scim":
        body["baseUrl"] = "http://127.0.0.1:9/scim/v2"
        if isinstance(body.get("filter"), str):
            body["filter"] = body["filter"][:100]
    if kind == "csvFile":
        body["path"] = "/nonexistent/safeguard-contract/users.csv"


_app_ids = []


def existing_app_ids():
    """The ids of the apps the server has (the demo org's, and those made during the run)."""
    if not _app_ids:
        request = urllib.request.Request(
            os.environ["SAFEGUARD_URL"] + "/api/v1/apps?limit=1000",
            headers={"Authorization": "SSWS " + os.environ["SAFEGUARD_TOKEN"]},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            _app_ids.extend(app["id"] for app in json.load(answer))
    return _app_ids


# The System Log filter language: `attrPath op "value"`, `attrPath pr`, `and`, `or`,
# `not (...)`, parentheses.
ATTRIBUTE_PATHS = [
    "eventType",
    "severity",
    "displayMessage",
    "published",
    "uuid",
    "actor.id",
    "actor.displayName",
    "target.displayName",
    "outcome.result",
    "debugContext.debugData.category",
    "debugContext.debugData.importId",
]
OPERATORS = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]
value_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=16)


def quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


comparison = st.builds(
    lambda path, op, value: f"{path} {op} {quoted(value)}",
    st.sampled_from(ATTRIBUTE_PATHS),
    st.sampled_from(OPERATORS),
    value_text,
) | st.builds(lambda path: f"{path} pr", st.sampled_from(ATTRIBUTE_PATHS))

system_log_filter = st.recursive(
    comparison,
    lambda inner: st.builds(
        lambda a, joiner, b: f"{a} {joiner} {b}", inner, st.sampled_from(["and", "or"]), inner
    )
    | st.builds(lambda a: f"not ({a})", inner)
    | st.builds(lambda a: f"({a})", inner),
    max_leaves=6,
)

schemathesis.openapi.format("system-log-filter", system_log_filter)
