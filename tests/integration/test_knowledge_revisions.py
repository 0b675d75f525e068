"""Every change of a knowledge entry is a revision; ETags stop a second editor from silently
overwriting the first; any revision can be restored."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import make_client
from tests.support import Env

ADMIN = {"Authorization": "Bearer s3cret-admin"}


@pytest.fixture
def admin(env: Env) -> FlaskClient:
    """The policies function, signed in as the bootstrap owner."""
    env.set(ADMIN_TOKEN="s3cret-admin")
    return make_client("policies")


def put(
    client: FlaskClient, key: str, content: str, etag: str | None = None, title: str = "Returns"
) -> tuple[int, str | None]:
    headers = dict(ADMIN)
    if etag is not None:
        headers["If-Match"] = etag
    response = client.put(f"/{key}", headers=headers, json={"title": title, "content": content})
    return response.status_code, response.headers.get("ETag")


def test_revisions_list_every_change_newest_first(env: Env, admin: FlaskClient) -> None:
    put(admin, "returns", "Returns within 60 days.")
    put(admin, "returns", "Returns within 90 days.")
    admin.delete("/returns", headers=ADMIN)

    revisions = admin.get("/returns/revisions", headers=ADMIN).get_json()["revisions"]

    assert [r["revision"] for r in revisions] == [4, 3, 2, 1]
    assert [r["deleted"] for r in revisions] == [True, False, False, False]
    # Revision 1 is the text the entry had before revisions were recorded (the seeded default).
    assert revisions[3]["changed_by"] == "(before revisions)"
    assert "30 days" in revisions[3]["content"]
    assert revisions[1]["content"] == "Returns within 90 days."
    assert set(revisions[0]) == {
        "revision",
        "title",
        "content",
        "kind",
        "deleted",
        "changed_by",
        "changed_at",
        "restored_from",
    }
    assert revisions[0]["changed_by"] == "admin"


def test_an_untouched_entry_shows_its_text_as_revision_one(admin: FlaskClient) -> None:
    revisions = admin.get("/shipping/revisions", headers=ADMIN).get_json()["revisions"]

    assert [r["revision"] for r in revisions] == [1]
    assert admin.get("/never-existed/revisions", headers=ADMIN).status_code == 404


def test_get_sends_an_etag_that_changes_with_every_edit(admin: FlaskClient) -> None:
    first = admin.get("/returns", headers=ADMIN).headers["ETag"]
    _, written = put(admin, "returns", "Returns within 60 days.", etag=first)
    second = admin.get("/returns", headers=ADMIN).headers["ETag"]

    assert first == '"1"'  # the seeded text, revision 1 in the list too
    assert written == second == '"2"'


def test_a_stale_if_match_is_412_and_changes_nothing(env: Env, admin: FlaskClient) -> None:
    etag = admin.get("/returns", headers=ADMIN).headers["ETag"]
    assert put(admin, "returns", "Ann's edit.", etag=etag)[0] == 200
    version = env.query("SELECT version FROM knowledge_state")[0][0]

    status, _ = put(admin, "returns", "Bo's edit from the old copy.", etag=etag)
    deleted = admin.delete("/returns", headers={**ADMIN, "If-Match": etag})

    assert status == 412
    assert deleted.status_code == 412
    assert deleted.get_json()["error"]["code"] == "edit_conflict"
    assert admin.get("/returns", headers=ADMIN).get_json()["content"] == "Ann's edit."
    assert env.query("SELECT version FROM knowledge_state")[0][0] == version
    assert env.count("knowledge_revisions") == 2


def test_if_match_star_means_the_entry_must_exist(admin: FlaskClient) -> None:
    missing = admin.put(
        "/gift-cards", headers={**ADMIN, "If-Match": "*"}, json={"title": "T", "content": "Valid 3 years."}
    )
    assert missing.status_code == 412
    assert "does not exist" in missing.get_json()["error"]["message"]  # not "changed by someone else"
    assert put(admin, "gift-cards", "Valid 3 years.", etag='"0"')[0] == 201
    assert put(admin, "gift-cards", "Valid 5 years.", etag="*")[0] == 200


def test_if_match_zero_creates_an_entry_under_a_deleted_key(admin: FlaskClient) -> None:
    """ "0" names no entry: the key was never used, or its entry was deleted; a create with it
    overwrites nobody's text (the console creates with it)."""
    assert put(admin, "gift-cards", "Valid 3 years.", etag='"0"')[0] == 201
    assert admin.delete("/gift-cards", headers={**ADMIN, "If-Match": '"1"'}).status_code == 200

    status, etag = put(admin, "gift-cards", "Valid 5 years.", etag='"0"')

    assert (status, etag) == (201, '"3"')
    assert admin.get("/gift-cards", headers=ADMIN).get_json()["content"] == "Valid 5 years."
    assert put(admin, "gift-cards", "Valid 7 years.", etag='"0"')[0] == 412  # it exists again


def test_if_match_may_list_several_tags(admin: FlaskClient) -> None:
    """RFC 9110: the write goes ahead if any of them is current."""
    assert put(admin, "returns", "Returns within 60 days.", etag='"7", "1"')[0] == 200
    assert put(admin, "returns", "Returns within 90 days.", etag='"1", "3"')[0] == 412


@pytest.mark.parametrize("if_match", ["1", "garbage", "W/1", '"1", 2', '*, "1"'])
def test_a_malformed_if_match_is_400_not_someone_elses_edit(
    env: Env, admin: FlaskClient, if_match: str
) -> None:
    """A tag without its double quotes is a mistake of the caller's, not a conflict."""
    revisions = env.count("knowledge_revisions")

    written = admin.put(
        "/returns", headers={**ADMIN, "If-Match": if_match}, json={"title": "Returns", "content": "60 days."}
    )
    deleted = admin.delete("/returns", headers={**ADMIN, "If-Match": if_match})

    for response in (written, deleted):
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "invalid_if_match"
        assert '"3"' in response.get_json()["error"]["message"]
    assert admin.get("/returns", headers=ADMIN).get_json()["content"] != "60 days."
    assert env.count("knowledge_revisions") == revisions


def test_restoring_a_revision_makes_it_current_as_a_new_revision(env: Env, admin: FlaskClient) -> None:
    put(admin, "returns", "Returns within 60 days.")
    put(admin, "returns", "Returns within 90 days.")

    restored = admin.post("/returns/revisions/2/restore", headers=ADMIN)

    assert restored.status_code == 200
    assert restored.get_json()["revision"] == 4
    assert restored.headers["ETag"] == '"4"'
    assert admin.get("/returns", headers=ADMIN).get_json()["content"] == "Returns within 60 days."
    revisions = admin.get("/returns/revisions", headers=ADMIN).get_json()["revisions"]
    assert revisions[0]["content"] == "Returns within 60 days."
    # The history tells the restore from an edit that happened to write the same text.
    assert [r["restored_from"] for r in revisions] == [2, None, None, None]


def test_restoring_the_text_an_entry_has_now_is_a_new_revision_all_the_same(admin: FlaskClient) -> None:
    put(admin, "returns", "Returns within 60 days.")
    put(admin, "returns", "Returns within 90 days.")
    put(admin, "returns", "Returns within 60 days.")

    restored = admin.post("/returns/revisions/2/restore", headers=ADMIN)

    assert restored.status_code == 200
    assert restored.get_json()["revision"] == 5  # "as a new revision" (mission.md), not a no-op
    revisions = admin.get("/returns/revisions", headers=ADMIN).get_json()["revisions"]
    assert [r["restored_from"] for r in revisions][:2] == [2, None]


def test_a_deleted_entry_can_be_brought_back(admin: FlaskClient) -> None:
    put(admin, "returns", "Returns within 60 days.")
    admin.delete("/returns", headers=ADMIN)

    restored = admin.post("/returns/revisions/2/restore", headers=ADMIN)

    assert restored.status_code == 201
    assert admin.get("/returns", headers=ADMIN).get_json()["content"] == "Returns within 60 days."


def test_deleted_entries_are_listed_until_restored_or_created_again(admin: FlaskClient) -> None:
    assert admin.get("/_deleted", headers=ADMIN).get_json() == {"entries": []}
    put(admin, "returns", "Returns within 60 days.", title="Returns and refunds")
    admin.delete("/returns", headers=ADMIN)
    put(admin, "gift-wrap", "We gift wrap for 3 EUR.", title="Gift wrap")
    admin.delete("/gift-wrap", headers=ADMIN)
    put(admin, "shipping", "Shipping is free.", title="Shipping")  # changed, not deleted

    listed = admin.get("/_deleted", headers=ADMIN)

    assert listed.status_code == 200
    entries = listed.get_json()["entries"]
    assert [(e["key"], e["title"], e["revision"], e["deleted_by"]) for e in entries] == [
        ("gift-wrap", "Gift wrap", 2, "admin"),  # the latest deletion first
        ("returns", "Returns and refunds", 3, "admin"),
    ]
    assert admin.post("/returns/revisions/2/restore", headers=ADMIN).status_code == 201
    put(admin, "gift-wrap", "Gift wrap is free now.", etag='"0"', title="Gift wrap")
    assert admin.get("/_deleted", headers=ADMIN).get_json() == {"entries": []}
    assert admin.get("/_deleted").status_code == 401


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/returns/revisions/9/restore", 404, "revision_not_found"),
        ("/returns/revisions/0/restore", 400, "invalid_revision"),
        ("/returns/revisions/x/restore", 400, "invalid_revision"),
        ("/returns/revisions/3/restore", 400, "revision_is_deletion"),
        ("/Bad-Key/revisions/1/restore", 400, "invalid_key"),
    ],
)
def test_restore_refuses_what_cannot_be_restored(
    admin: FlaskClient, path: str, status: int, code: str
) -> None:
    put(admin, "returns", "Returns within 60 days.")
    admin.delete("/returns", headers=ADMIN)

    response = admin.post(path, headers=ADMIN)

    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_a_restore_with_a_stale_if_match_is_412(admin: FlaskClient) -> None:
    _, etag = put(admin, "returns", "Returns within 60 days.")
    put(admin, "returns", "Returns within 90 days.")

    response = admin.post("/returns/revisions/2/restore", headers={**ADMIN, "If-Match": etag or ""})

    assert response.status_code == 412
    assert admin.get("/returns", headers=ADMIN).get_json()["content"] == "Returns within 90 days."


def test_an_untouched_entry_is_edited_with_the_revision_its_list_shows(admin: FlaskClient) -> None:
    listed = admin.get("/shipping/revisions", headers=ADMIN).get_json()["revisions"][0]["revision"]
    tag = admin.get("/shipping", headers=ADMIN).headers["ETag"]

    status, written = put(admin, "shipping", "Ships in 2 days.", etag=f'"{listed}"', title="Shipping")

    assert tag == f'"{listed}"'
    assert (status, written) == (200, '"2"')
    assert put(admin, "shipping", "Ships in 3 days.", etag=tag, title="Shipping")[0] == 412  # now stale


def test_a_save_that_changes_nothing_makes_no_revision_and_no_new_version(admin: FlaskClient) -> None:
    put(admin, "returns", "Returns within 60 days.")
    before = admin.get("/", headers=ADMIN).get_json()["version"]

    status, etag = put(admin, "returns", "  Returns within 60 days.  ")  # the same text, trimmed

    assert (status, etag) == (200, '"2"')
    assert admin.get("/", headers=ADMIN).get_json()["version"] == before
    assert [
        r["revision"] for r in admin.get("/returns/revisions", headers=ADMIN).get_json()["revisions"]
    ] == [2, 1]
    # A stale If-Match is still a conflict, even for a save that would change nothing.
    assert put(admin, "returns", "Returns within 60 days.", etag='"1"')[0] == 412


def test_a_put_without_a_kind_keeps_the_entrys_kind(admin: FlaskClient) -> None:
    response = admin.put(
        "/faq-cancel-order",
        headers=ADMIN,
        json={"title": "Can I cancel my order?", "content": "Yes, within 2 hours."},
    )

    assert response.status_code == 200
    assert response.get_json()["kind"] == "faq"
    created = admin.put(
        "/gift-wrap", headers=ADMIN, json={"title": "Gift wrap", "content": "3 EUR at checkout."}
    )
    assert (created.status_code, created.get_json()["kind"]) == (201, "policy")
    changed = admin.put(
        "/gift-wrap", headers=ADMIN, json={"title": "Gift wrap", "content": "3 EUR.", "kind": "faq"}
    )
    assert changed.get_json()["kind"] == "faq"
