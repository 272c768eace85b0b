"""A client generated from /api/v1/openapi.json by openapi-python-client, used as a script would.

It makes an app, imports 200 users (the safeguards check populations of 100 or more), previews
an import that would remove half of them (a dry run, which the safeguards would pause), runs it
(paused, with a roadblock), resumes it, and
checks what each answer says. Every call goes through the generated functions and models; a
document the generator misreads, or that says other than what the server answers, fails here.

Run by scripts/contract-tests.sh with the generated package on PYTHONPATH.
"""

import os
import sys

from safeguard_client import AuthenticatedClient
from safeguard_client.api.apps import create_app, get_app
from safeguard_client.api.imports import get_import, import_changes, start_import
from safeguard_client.api.roadblock import get_roadblock, resume
from safeguard_client.models import (
    ChangeKind,
    ImportStatus,
    ImportView,
    NewApp,
    Problem,
    ResumeRequest,
    SnapshotBody,
    SnapshotUser,
)

client = AuthenticatedClient(
    base_url=os.environ["SAFEGUARD_URL"],
    token=os.environ["SAFEGUARD_TOKEN"],
    prefix="SSWS",
    raise_on_unexpected_status=True,
)


def check(condition, what):
    if not condition:
        sys.exit(f"generated client: {what}")
    print(f"ok: {what}")


def users(numbers):
    return SnapshotBody(
        users=[
            SnapshotUser(
                external_id=f"W{n:03}",
                login=f"user{n}@example.com",
                first_name="User",
                last_name=str(n),
                email=f"user{n}@example.com",
            )
            for n in numbers
        ]
    )


with client as c:
    app = create_app.sync(client=c, body=NewApp(name="Workday", profile_source=True))
    check(app is not None and app.name == "Workday", "an app is created")

    first = start_import.sync_detailed(app.id, client=c, body=users(range(200)))
    check(first.status_code == 201, f"the first import is created (got {first.status_code})")
    check(isinstance(first.parsed, ImportView), "its answer reads as an ImportView")
    check(first.parsed.status == ImportStatus.COMPLETED, "the first import completes")
    check(first.parsed.counts.created == 200, "it created 200 users")
    population = get_app.sync(app.id, client=c).population
    check(population == 200, f"the app has 200 users (has {population})")

    preview = start_import.sync_detailed(app.id, client=c, body=users(range(100)), dry_run=True)
    check(preview.status_code == 200, "a dry run answers 200")
    dry = preview.parsed
    check(dry.status == ImportStatus.SIMULATED, "a dry run is simulated")
    check(dry.roadblock is not None, "the dry run says the safeguards would pause it")
    check(dry.roadblock.cause.unassignments == 100, "100 of 200 would be removed")
    check(
        sorted(change.login for change in dry.affected)
        == sorted(f"user{n}@example.com" for n in range(100, 200)),
        "the dry run names the 100 users it would remove",
    )
    check(get_app.sync(app.id, client=c).population == 200, "the dry run changed nothing")

    paused = start_import.sync(app.id, client=c, body=users(range(100)))
    check(paused.status == ImportStatus.PAUSED, "the real import is paused by a safeguard")
    state = get_roadblock.sync(client=c)
    check(state.active and state.import_.id == paused.id, "the roadblock names the paused import")
    plan = import_changes.sync(paused.id, client=c, kind=ChangeKind.UNASSIGN, limit=1000)
    check(len(plan) == 100, "its plan lists the 100 unassignments")

    # The whole plan: nobody excluded, deactivations applied (the body may also be left out).
    whole = ResumeRequest(exclude_user_ids=[], skip_deactivations=False)
    resumed = resume.sync_detailed(paused.id, client=c, body=whole)
    check(resumed.status_code == 200, "resume answers 200")
    check(resumed.parsed.status == ImportStatus.COMPLETED, "the resumed import completed")
    check(resumed.parsed.resolved_by.action.value == "resume", "it records that it was resumed")
    check(get_app.sync(app.id, client=c).population == 100, "the 100 users are unassigned")
    check(not get_roadblock.sync(client=c).active, "the roadblock is lifted")

    again = resume.sync_detailed(paused.id, client=c, body=whole)
    check(again.status_code == 409, "a second resume answers 409")
    check(isinstance(again.parsed, Problem), "its answer reads as a Problem")
    check(again.parsed.type_.endswith("already-resolved"), "of the type already-resolved")
    check(get_import.sync(paused.id, client=c).status == ImportStatus.COMPLETED, "and changes nothing")

print("generated client: passed")
