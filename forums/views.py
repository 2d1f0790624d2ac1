from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .forms import ProfileForm


@login_required
def account_overview(request):
    """The member's own page: their profile, and their recent sign-ins (P1, P6)."""
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile has been saved.")
            return redirect("account_overview")
    else:
        form = ProfileForm(instance=request.user)
    sign_ins = request.user.sign_ins.all()[:20]
    return render(request, "forums/account.html", {"form": form, "sign_ins": sign_ins})
