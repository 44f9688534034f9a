"""The buyer's review form, the officers' moderation queue, and the stall's answers.

The buyer reaches the form from the order's private page (its link is the access, as for the
order page itself); moderation and answers look objects up through ``moderatable_by`` and
``answerable_by``, so a review outside the user's scope is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core import roles
from orders.models import Order, OrderLine

from . import services
from .forms import ModerationForm, ReplyForm, ReviewForm
from .google_feed import generate
from .models import Review

PER_PAGE = 20


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def review_line(request, token, line_pk):
    order = Order.objects.filter(access_token=token).first()
    if order is None:
        raise Http404
    line = OrderLine.objects.select_related("group__stall", "product").filter(pk=line_pk, group__order=order).first()
    if line is None:
        raise Http404
    existing = Review.objects.filter(line=line).prefetch_related("photos").first()
    reason = None if existing else services.refusal(line)
    status = 200
    form = None
    if existing is None and reason is None:
        if request.method == "POST":
            form = ReviewForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.review_submit(
                        line=line,
                        rating=data["rating"],
                        text=data["text"],
                        author_name=data["author_name"],
                        photos=data["photos"],
                    )
                except services.ReviewError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, _("Thank you! Your review will show once it has been checked."))
                    return redirect(order)
        else:
            form = ReviewForm(initial={"author_name": order.buyer_name})
    elif request.method == "POST":
        status = 403 if reason else 409  # refused on the server whatever the page showed
    return render(
        request,
        "reviews/review_form.html",
        {"order": order, "line": line, "form": form, "existing": existing, "reason": reason},
        status=status,
    )


@roles.role_required(roles.reviews_applications)
def moderation_queue(request):
    status = request.GET.get("status", Review.Status.PENDING)
    if status not in Review.Status.values:
        status = Review.Status.PENDING
    reviews = (
        Review.objects.moderatable_by(request.user)
        .filter(status=status)
        .select_related("product", "stall__commune")
        .prefetch_related("photos")
        .order_by("created_at", "pk")
    )
    page = Paginator(reviews, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/moderation.html",
        {
            "page": page,
            "status": status,
            "statuses": Review.Status.choices,
            "actions": services.moderation_actions(status),  # the queue shows one status at a time
        },
    )


@roles.role_required(roles.reviews_applications)
@require_POST
def moderate(request, pk):
    review = get_object_or_404(Review.objects.moderatable_by(request.user), pk=pk)
    form = ModerationForm(request.POST)
    back = reverse("reviews:moderation") + f"?status={review.status}"
    if not form.is_valid():
        messages.error(request, _("Choose to publish the review or not."))
        return redirect(back)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.review_moderate(review=review, approve=approve, actor=request.user, note=form.cleaned_data["note"])
    except services.ReviewError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The review is published.") if approve else _("The review is not published."))
    return redirect(back)


@login_required
def stall_reviews(request):
    reviews = (
        Review.objects.answerable_by(request.user)
        .select_related("product", "stall")
        .prefetch_related("photos")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(reviews, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reviews/stall_reviews.html", {"page": page, "form": ReplyForm()})


@login_required
@require_POST
def reply(request, pk):
    review = get_object_or_404(Review.objects.answerable_by(request.user), pk=pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.review_reply(review=review, text=form.cleaned_data["reply"], actor=request.user)
        except services.ReviewError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your answer is published under the review."))
    else:
        messages.error(request, " ".join(form.errors.get("reply", [])))
    return redirect("reviews:stall-reviews")


def google_product_reviews(request):
    """Google's product reviews feed of every published review (reviews/google_feed.py)."""

    publisher = getattr(settings, "WAGTAIL_SITE_NAME", "") or "OCOP Market"
    response = StreamingHttpResponse(
        generate(request.build_absolute_uri, publisher=publisher), content_type="application/xml; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
