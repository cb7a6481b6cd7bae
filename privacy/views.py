"""Privacy screens: finding a youth (administrator), inzage export, erasure, the
retention policy per region and the runs of the retention task."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from core.errors import DomainError, Invalid, NotFound
from privacy import selectors, services
from privacy.forms import ErasureForm, RetentionPolicyForm, YouthFindForm
from privacy.models import BOUNDS


@role_required(Role.ADMIN)
def privacy_home(request):
    form = YouthFindForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            youth = selectors.youth_find(
                membership=request.membership,
                bsn=form.cleaned_data["bsn"],
                reference=form.cleaned_data["reference"],
            )
        except Invalid as error:
            form.apply_invalid(error)
            status = 422
        except NotFound as error:
            form.add_error(None, str(error.detail))
            status = 404
        else:
            return redirect("privacy:youth", pk=youth.pk)
    elif request.method == "POST":
        status = 422
    return render(request, "privacy/home.html", {"form": form, "runs": selectors.run_list(limit=10)}, status=status)


def _youth_page(request, pk, *, erasure_form=None, status=200):
    try:
        youth = selectors.youth_get(membership=request.membership, pk=pk)
    except NotFound:
        raise Http404 from None
    context = {
        "youth": youth,
        "records": selectors.person_records(youth),
        "pseudonymised": selectors.is_pseudonymised(youth),
        "refusal": selectors.erasure_refusal(youth),
        "erasure_form": erasure_form or ErasureForm(),
    }
    return render(request, "privacy/youth.html", context, status=status)


@role_required(Role.ADMIN)
def youth_detail(request, pk):
    return _youth_page(request, pk)


@role_required(Role.ADMIN)
def inzage_download(request, pk):
    try:
        filename, content = selectors.inzage_archive(membership=request.membership, youth_id=pk)
    except NotFound:
        raise Http404 from None
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(Role.ADMIN)
@require_POST
def youth_erase(request, pk):
    form = ErasureForm(request.POST)
    form.is_valid()  # the service checks the content; the form only parses it
    try:
        services.youth_erase(
            membership=request.membership,
            youth_id=pk,
            ground=form.cleaned_data.get("ground", ""),
            explanation=form.cleaned_data.get("explanation", ""),
            by=request.user,
        )
    except NotFound:
        raise Http404 from None
    except Invalid as error:
        form.apply_invalid(error)
        return _youth_page(request, pk, erasure_form=form, status=422)
    except DomainError as error:
        form.add_error(None, str(error.detail))
        return _youth_page(request, pk, erasure_form=form, status=409)
    messages.success(request, _("De identiteitsgegevens en documenten van de jeugdige zijn gewist."))
    return redirect("privacy:youth", pk=pk)


@role_required(*selectors.POLICY_ROLES)
def policy_list(request):
    services.retention_policies_ensure()
    return render(
        request,
        "privacy/policies.html",
        {
            "policies": selectors.policy_list(membership=request.membership),
            "fields": list(BOUNDS),
            "runs": selectors.run_list(limit=5),
        },
    )


@role_required(*selectors.POLICY_ROLES)
def policy_edit(request, region_id):
    try:
        policy = services.retention_policy_get(membership=request.membership, region_id=region_id)
    except NotFound:
        raise Http404 from None
    initial = {name: getattr(policy, name) for name in BOUNDS}
    form = RetentionPolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        form.is_valid()  # parses; the bounds are the service's rule, checked for every field at once
        try:
            services.retention_policy_update(
                membership=request.membership, region_id=region_id, data=form.cleaned_data, by=request.user
            )
        except Invalid as error:
            params = [p for p in error.invalid_params if p["name"] not in form.errors]
            if params:
                form.apply_invalid(Invalid(invalid_params=params))
        else:
            messages.success(request, _("Het bewaarbeleid van %(region)s is opgeslagen.") % {"region": policy.region})
            return redirect("privacy:policies")
    return render(request, "privacy/policy_edit.html", {"form": form, "policy": policy}, status=status)
