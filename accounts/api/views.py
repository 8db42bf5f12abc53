"""Account endpoints: `AuthViewSet` (auth/...) and `UserViewSet` (users/...); each action
validates input, calls one service and serializes output."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from accounts import selectors
from accounts.api.serializers import (
    AdminUserUpdateInput,
    AuthOutput,
    AvatarUploadInput,
    LoginInput,
    MessageOutput,
    PasswordChangeInput,
    ProfileUpdateInput,
    RefreshInput,
    RegisterInput,
    SessionOutput,
    TokenPairOutput,
    UserOutput,
)
from accounts.api.usage import UserUsageMixin
from accounts.permissions import IsAdminOrSelf
from accounts.services import avatars, tokens, users
from autoauthor.api import ratelimits
from autoauthor.api.middleware import client_ip
from autoauthor.api.pagination import paginated_response, skip_limit_parameters
from autoauthor.api.permissions import IsAdminRole
from autoauthor.core.errors import Unauthorized
from autoauthor.schema import ERRORS


def user_payload(user, many=False):
    items = list(user) if many else [user]
    return UserOutput(
        user, many=many, context={"book_ids": selectors.user_book_ids(users=items)}
    ).data


def auth_payload(user):
    return {**tokens.token_pair_create(user=user), "user": user_payload(user)}


# Sign-up, sign-in and token renewal take no credentials: a stale or foreign bearer token
# sent along must not turn them into a 401 (DRF sets these on the view for the action).
PUBLIC = {"authentication_classes": [], "permission_classes": [AllowAny]}


class AuthViewSet(GenericViewSet):
    ratelimit_scopes = {
        "register": "auth_register",
        "login": "auth_login_ip",
        "refresh": "auth_refresh",
        "password": "auth_password",
    }

    @extend_schema(
        operation_id="auth_register",
        request=RegisterInput,
        responses={201: AuthOutput, **ERRORS(409, 422, 429)},
    )
    @action(detail=False, methods=["post"], **PUBLIC)
    def register(self, request):
        data = RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = users.user_register(**data.validated_data)
        return Response(auth_payload(user), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="auth_login",
        request=LoginInput,
        responses={200: AuthOutput, **ERRORS(401, 422, 429)},
    )
    @action(detail=False, methods=["post"], **PUBLIC)
    def login(self, request):
        data = LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        email = users.email_normalize(data.validated_data["email"])
        # Per account and client: an attacker elsewhere spends only their own budget.
        ratelimits.hit(request, "auth_login_account_ip", ident=f"{client_ip(request)}|{email}")
        # Per account from anywhere, failures only, checked before the password is: a ceiling
        # on distributed guessing that the owner's successful logins never use up. Unknown
        # emails are counted too, so a 429 does not tell whether an account exists.
        ratelimits.check(request, "auth_login_account_failures", ident=email)
        try:
            user = users.user_login(email=email, password=data.validated_data["password"])
        except Unauthorized:
            ratelimits.hit(request, "auth_login_account_failures", ident=email)
            raise
        return Response(auth_payload(user))

    @extend_schema(
        operation_id="auth_refresh",
        request=RefreshInput,
        responses={200: TokenPairOutput, **ERRORS(401, 422, 429)},
    )
    @action(detail=False, methods=["post"], **PUBLIC)
    def refresh(self, request):
        data = RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(tokens.token_refresh(raw_refresh=data.validated_data["refresh"]))

    @extend_schema(
        operation_id="auth_logout", request=RefreshInput, responses={204: None, **ERRORS(401, 422)}
    )
    @action(detail=False, methods=["post"], **PUBLIC)
    def logout(self, request):
        data = RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        users.user_logout(raw_refresh=data.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(operation_id="auth_session", responses={200: SessionOutput, **ERRORS(401)})
    @action(detail=False, methods=["get"])
    def session(self, request):
        raw = request.auth
        expires = tokens.access_token_expiry(str(raw)) if raw is not None else None
        return Response(
            SessionOutput(
                {
                    "active": request.user.is_active,
                    "user_id": request.user.pk,
                    "expires_at": expires,
                }
            ).data
        )

    @extend_schema(
        operation_id="auth_password_change",
        request=PasswordChangeInput,
        responses={204: None, **ERRORS(401, 422, 429)},
    )
    @action(detail=False, methods=["post"])
    def password(self, request):
        data = PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        users.user_password_change(user=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


# `users/me` (the caller's own profile), `users/admin/users` (administrators) and
# `users/{user_id}` (PUT, DELETE: the account itself or an administrator). No docstring: the
# OpenAPI document would take it as every operation's description.
class UserViewSet(UserUsageMixin, GenericViewSet):
    permission_classes = [IsAuthenticated, IsAdminOrSelf]
    lookup_url_kwarg = "user_id"
    ratelimit_scopes = {
        "me": "profile_get",
        "me_update": "profile_update",
        "me_delete": "profile_delete",
        "me_avatar": "upload_avatar",
    }

    def get_object(self):
        user = selectors.user_get(user_id=self.kwargs[self.lookup_url_kwarg])
        self.check_object_permissions(self.request, user)
        return user

    @extend_schema(
        operation_id="users_me_retrieve", responses={200: UserOutput, **ERRORS(401, 429)}
    )
    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated])
    def me(self, request):
        return Response(user_payload(request.user))

    @extend_schema(
        operation_id="users_me_update",
        request=ProfileUpdateInput,
        responses={200: UserOutput, **ERRORS(401, 409, 422, 429)},
    )
    @me.mapping.patch
    def me_update(self, request):
        data = ProfileUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = users.user_update(user=request.user, data=data.validated_data, actor=request.user)
        return Response(user_payload(user))

    @extend_schema(
        operation_id="users_me_delete", responses={200: MessageOutput, **ERRORS(401, 429)}
    )
    @me.mapping.delete
    def me_delete(self, request):
        users.user_delete(user=request.user)
        return Response({"message": "Account successfully deleted"})

    @extend_schema(
        operation_id="users_me_avatar_upload",
        request={"multipart/form-data": AvatarUploadInput},
        responses={200: UserOutput, **ERRORS(400, 401, 404, 409, 413, 422, 429)},
        description="Replace the caller's profile picture: JPEG, PNG, WebP or GIF of at most "
        "5 MiB and 25 megapixels (a larger canvas is 413 `image_too_large`, refused from the "
        "header before decoding), stored as a JPEG fitting 400x400. Answers the profile, whose "
        "`avatar_url` is the new picture's URL.",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="me/avatar",
        permission_classes=[IsAuthenticated],
        parser_classes=[MultiPartParser, FormParser],
    )
    def me_avatar(self, request):
        data = AvatarUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = avatars.user_avatar_upload(user=request.user, upload=data.validated_data["file"])
        return Response(user_payload(user))

    @extend_schema(
        operation_id="users_admin_list",
        parameters=skip_limit_parameters(),
        responses={200: UserOutput(many=True), **ERRORS(401, 403, 422)},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="admin/users",
        permission_classes=[IsAuthenticated, IsAdminRole],
    )
    def admin_users(self, request):
        return paginated_response(
            request, selectors.user_list(), lambda rows: user_payload(rows, many=True)
        )

    @extend_schema(
        operation_id="users_update",
        request=AdminUserUpdateInput,
        responses={200: UserOutput, **ERRORS(401, 403, 404, 409, 422)},
    )
    def update(self, request, user_id):
        target = self.get_object()
        data = AdminUserUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = users.user_update(user=target, data=data.validated_data, actor=request.user)
        return Response(user_payload(user))

    @extend_schema(operation_id="users_delete", responses={204: None, **ERRORS(401, 403, 404)})
    def destroy(self, request, user_id):
        users.user_delete(user=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
