""" "Import a file" in the admin: upload, read the dry-run report, confirm.

No import runs inside the web request: the upload is stored in the database and its dry
run is queued for the task worker (``plans.tasks``), and the browser goes at once to the
run's page, which says while the run waits or runs and shows the report once it is done.
Confirming a dry run queues a second run of the very same stored upload, so what is
applied is byte for byte what the dry run reported on. Only the admin who uploaded a
file may confirm it, once, within an hour; anything else gets a plain message and
changes nothing. The worker goes through the same ``run_import`` as the commands.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from plans import roles, tasks
from plans.imports.common import ImportRefused
from plans.models import ImportRun, catalog_has_sample_rows


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of file",
        choices=[(kind, ImportRun.Kind(kind).label) for kind in tasks.IMPORTERS],
    )
    file = forms.FileField(label="File")
    remove_demo = forms.BooleanField(
        label="Delete the sample (demo) catalog first",
        required=False,
        help_text="Real data is never mixed with the sample catalog.",
    )

    def __init__(self, *args: Any, national: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not national:
            # A state reviewer imports Landscape files, limited to their states; the
            # national files and the sample catalog are the national admins'.
            self.fields["kind"].choices = [
                (ImportRun.Kind.LANDSCAPE, ImportRun.Kind.LANDSCAPE.label)
            ]
            self.fields["kind"].help_text = "Rows of states that are not yours are skipped."
            del self.fields["remove_demo"]


def _display_name(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _render(
    request: HttpRequest, model_admin: admin.ModelAdmin, status: int = 200, **extra: Any
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "admin/plans/importrun/import_file.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": "Import a file",
            **extra,
        },
        status=status,
    )


def _run_page(run: ImportRun) -> HttpResponseRedirect:
    # 303: the browser fetches the run's page with GET, and reloading it re-sends nothing.
    response = HttpResponseRedirect(reverse("admin:plans_importrun_change", args=[run.pk]))
    response.status_code = 303
    return response


@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest, model_admin: admin.ModelAdmin) -> HttpResponse:
    """The upload form (GET); POST stores the file, queues its dry run and redirects to
    the run's page."""
    if not roles.may_import(request.user):
        raise PermissionDenied
    national = roles.is_national(request.user)
    if request.method != "POST":
        return _render(request, model_admin, form=UploadForm(national=national))
    form = UploadForm(request.POST, request.FILES, national=national)
    if not form.is_valid():
        return _render(request, model_admin, status=400, form=form)
    kind: str = form.cleaned_data["kind"]
    upload: UploadedFile = form.cleaned_data["file"]
    try:
        # Only imports a module: a missing importer is named now, not after the queue.
        tasks.importer_for(kind)
    except ImportRefused as error:
        return _render(request, model_admin, status=400, form=form, error=str(error))
    run = tasks.queue_dry_run(
        kind=kind,
        file_name=_display_name(upload.name or ""),
        content=b"".join(upload.chunks()),
        user=_user(request),
        remove_demo=form.cleaned_data.get("remove_demo", False),
        limit_states=[] if national else sorted(roles.reviewer_states(request.user)),
    )
    return _run_page(run)


@require_POST
def apply_dry_run(request: HttpRequest, model_admin: admin.ModelAdmin, run_id: int) -> HttpResponse:
    """Queue the import a finished dry run reported on; redirect to the new run's page."""
    if not roles.may_import(request.user):
        raise PermissionDenied
    user = _user(request)
    if user is None:
        raise PermissionDenied
    dry_run = get_object_or_404(ImportRun, pk=run_id)
    try:
        run = tasks.queue_apply(dry_run, user=user)
    except ImportRefused as error:
        return _render(request, model_admin, status=400, form=UploadForm(), error=str(error))
    return _run_page(run)


def give_up_stalled() -> None:
    """For the runs' change list: marks failed the runs whose worker died."""
    tasks.give_up_stalled()


def run_page_context(
    request: HttpRequest, model_admin: admin.ModelAdmin, object_id: str
) -> dict[str, Any]:
    """What the run's admin page shows above its fields: where the run is and, once it
    is done, its report and (for the uploader's dry run) the form to apply it."""
    # A run whose worker was killed is marked failed here rather than left "running".
    tasks.give_up_stalled()
    run = model_admin.get_object(request, unquote(object_id))
    if not isinstance(run, ImportRun):
        return {}  # the admin answers "does not exist" itself
    context: dict[str, Any] = {"run": run, "reload_url": request.get_full_path()}
    if run.state != ImportRun.State.FINISHED or run.outcome != ImportRun.Outcome.DRY_RUN:
        return context
    applied_as = None
    if run.upload_id is not None:
        applied_as = ImportRun.objects.filter(upload_id=run.upload_id).exclude(pk=run.pk).first()
    user = _user(request)
    if applied_as is not None:
        context["applied_as"] = applied_as
    elif user is not None and roles.may_import(user) and run.user_id == user.pk:
        refusal = tasks.apply_refusal(run, user)
        context["can_apply"] = not refusal
        context["apply_refusal"] = refusal
        context["will_remove_demo"] = not refusal and catalog_has_sample_rows()
    return context
