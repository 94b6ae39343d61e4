"""The home page: a visitor not signed in reads the public service guide (web.views.guide); it sends each
signed-in user to their work: applicants to their applications, officials to their queue; a user with
both (or neither) gets a page with the choices."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from vatspilot.web.roles import workload_of
from vatspilot.web.views.guide import render_guide


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render_guide(request)
    work = workload_of(request.user)
    if work.is_official and not work.is_applicant:
        return redirect("web:queue")
    if work.is_applicant and not work.is_official:
        return redirect("web:applications")
    return render(request, "web/home.html", {"work": work})
