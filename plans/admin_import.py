""" "Import a file" in the admin: choose the kind, upload, read the dry-run report, confirm.

The upload is kept in a private temporary folder under its SHA-256, and the confirm form
carries only a signed, time-limited token naming that checksum (and the kind, the user
and the options chosen). Confirming re-reads the stored file and checks its checksum
again, so what is applied is exactly what the dry run reported on; a tampered, expired
or replayed confirmation gets a plain message and changes nothing. Writes go through
the same ``run_import`` as the management commands.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from plans.imports.common import ImportRefused, ImportReport, file_checksum, run_import
from plans.models import ImportRun, catalog_has_sample_rows

IMPORT_PERMISSION = "plans.add_importrun"
# Where uploads wait between the dry run and the confirmation; private to this process's
# user. Tests point it elsewhere.
UPLOAD_DIR = Path(tempfile.gettempdir()) / "icf-import-uploads"
# How long a dry-run report may be confirmed: long enough to read it, short enough that
# a forgotten tab cannot apply a stale file hours later.
UPLOAD_MAX_AGE = 60 * 60
TOKEN_SALT = "plans.admin_import.confirm"

# kind → (module, function); imported only when used, since the Landscape importer is
# written separately and may not be installed yet.
IMPORTERS: dict[str, tuple[str, str]] = {
    ImportRun.Kind.LANDSCAPE: ("plans.imports.landscape", "apply_landscape"),
    ImportRun.Kind.CONTRACT_DIRECTORY: (
        "plans.imports.contract_directory",
        "apply_contract_directory",
    ),
    ImportRun.Kind.INTEGRATED_DSNPS: ("plans.imports.integrated_dsnps", "apply_integrated_dsnps"),
    ImportRun.Kind.CATALOG: ("plans.imports.catalog_csv", "apply_catalog"),
}


def importer_for(kind: str) -> Callable[[ImportReport, Path], None]:
    module_name, function_name = IMPORTERS[kind]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        raise ImportRefused(
            f"The {ImportRun.Kind(kind).label} importer is not installed yet."
        ) from error
    function: Callable[[ImportReport, Path], None] = getattr(module, function_name)
    return function


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of file",
        choices=[(kind, ImportRun.Kind(kind).label) for kind in IMPORTERS],
    )
    file = forms.FileField(label="File")
    remove_demo = forms.BooleanField(
        label="Delete the sample (demo) catalog first",
        required=False,
        help_text="Real data is never mixed with the sample catalog.",
    )


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


def _stored_path(checksum: str, suffix: str) -> Path:
    return UPLOAD_DIR / f"{checksum}{suffix}"


def _safe_suffix(name: str) -> str:
    # Importers tell formats apart by content; the suffix only helps a person reading the
    # folder, so keep it short and harmless.
    suffix = Path(name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ""


def _display_name(name: str) -> str:
    return Path(name).name[:200] or "upload"


def store_upload(upload: UploadedFile) -> tuple[Path, str]:
    """Copy the upload to UPLOAD_DIR under its checksum; returns the path and checksum."""
    UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    _remove_stale_uploads()
    digest = hashlib.sha256()
    handle, partial = tempfile.mkstemp(dir=UPLOAD_DIR, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
        checksum = digest.hexdigest()
        path = _stored_path(checksum, _safe_suffix(upload.name or ""))
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return path, checksum


def _remove_stale_uploads() -> None:
    cutoff = time.time() - 2 * UPLOAD_MAX_AGE
    for path in UPLOAD_DIR.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass  # another request removed it first


def _context(request: HttpRequest, model_admin: admin.ModelAdmin, **extra: Any) -> dict[str, Any]:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import a file",
        **extra,
    }


def _render(
    request: HttpRequest, model_admin: admin.ModelAdmin, status: int = 200, **extra: Any
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "admin/plans/importrun/import_file.html",
        _context(request, model_admin, **extra),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest, model_admin: admin.ModelAdmin) -> HttpResponse:
    """One URL, three steps: the upload form (GET), the dry run (POST step=upload) and
    the confirmation (POST step=confirm)."""
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm(request, model_admin)
    if request.method == "POST":
        return _dry_run(request, model_admin)
    return _render(request, model_admin, form=UploadForm())


def _dry_run(request: HttpRequest, model_admin: admin.ModelAdmin) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, model_admin, status=400, form=form)
    kind: str = form.cleaned_data["kind"]
    upload: UploadedFile = form.cleaned_data["file"]
    remove_demo: bool = form.cleaned_data["remove_demo"]
    name = _display_name(upload.name or "")
    path, checksum = store_upload(upload)
    user = request.user if isinstance(request.user, User) else None
    try:
        apply = importer_for(kind)
        report = run_import(
            kind=kind,
            path=path,
            apply=lambda report: apply(report, path),
            dry_run=True,
            user=user,
            display_name=name,
        )
    except ImportRefused as error:
        path.unlink(missing_ok=True)
        return _render(request, model_admin, status=400, form=form, error=str(error))
    blocked = ""
    if report.rejected:
        path.unlink(missing_ok=True)
    elif catalog_has_sample_rows() and not remove_demo:
        blocked = (
            "The catalog holds the sample (demo) data, and real data is never mixed with it. "
            "Upload the file again with “Delete the sample (demo) catalog first” ticked."
        )
        path.unlink(missing_ok=True)
    confirm = None
    if not report.rejected and not blocked:
        token = signing.dumps(
            {
                "kind": kind,
                "checksum": checksum,
                "suffix": path.suffix,
                "name": name,
                "remove_demo": remove_demo,
                "user": request.user.pk,
            },
            salt=TOKEN_SALT,
        )
        confirm = ConfirmForm(initial={"token": token})
    return _render(
        request,
        model_admin,
        form=UploadForm(initial={"kind": kind}),
        report=report,
        report_text=report.text(),
        kind_label=ImportRun.Kind(kind).label,
        confirm=confirm,
        blocked=blocked,
        will_remove_demo=remove_demo and catalog_has_sample_rows(),
    )


def _confirm(request: HttpRequest, model_admin: admin.ModelAdmin) -> HttpResponse:
    def refuse(message: str) -> HttpResponse:
        return _render(request, model_admin, status=400, form=UploadForm(), error=message)

    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return refuse("The confirmation is missing. Upload the file again.")
    try:
        ticket = signing.loads(form.cleaned_data["token"], salt=TOKEN_SALT, max_age=UPLOAD_MAX_AGE)
    except signing.SignatureExpired:
        return refuse(
            "This dry run is more than an hour old, so it can no longer be confirmed. "
            "Nothing was changed. Upload the file again."
        )
    except signing.BadSignature:
        return refuse(
            "This confirmation was altered or is not valid. Nothing was changed. "
            "Upload the file again."
        )
    if ticket.get("user") != request.user.pk or ticket.get("kind") not in IMPORTERS:
        return refuse("This confirmation is not yours to apply. Nothing was changed.")
    checksum = str(ticket.get("checksum", ""))
    path = _stored_path(checksum, str(ticket.get("suffix", "")))
    if not re.fullmatch(r"[0-9a-f]{64}", checksum) or not path.is_file():
        return refuse(
            "The uploaded file is no longer here (it was already imported, or it expired). "
            "Nothing was changed. Upload the file again."
        )
    if file_checksum(path) != checksum:
        path.unlink(missing_ok=True)
        return refuse(
            "The stored upload changed after its dry run, so it was not imported. "
            "Nothing was changed. Upload the file again."
        )
    user = request.user if isinstance(request.user, User) else None
    kind = ticket["kind"]
    try:
        apply = importer_for(kind)
        report = run_import(
            kind=kind,
            path=path,
            apply=lambda report: apply(report, path),
            dry_run=False,
            user=user,
            remove_demo=bool(ticket.get("remove_demo")),
            display_name=str(ticket.get("name", path.name)),
        )
    except ImportRefused as error:
        return refuse(f"{error} Nothing was changed.")
    # Applied or rejected, this upload is done: a second confirm must not run it again.
    path.unlink(missing_ok=True)
    return _render(
        request,
        model_admin,
        report=report,
        report_text=report.text(),
        kind_label=ImportRun.Kind(kind).label,
        applied=not report.rejected,
        form=UploadForm(),
    )
