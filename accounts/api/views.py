"""Account endpoints: thin views that validate input, call one service and serialize output."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.api.serializers import (
    AdminUserUpdateInput,
    AuthOutput,
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
from accounts.permissions import IsAdminOrSelf
from accounts.services import tokens, users
from autoauthor.api import ratelimits
from autoauthor.api.context import client_ip
from autoauthor.api.errors import Unauthorized
from autoauthor.api.pagination import paginated_response, skip_limit_parameters
from autoauthor.api.permissions import IsAdminRole
from autoauthor.schema import ERRORS


def user_payload(user, many=False):
    items = list(user) if many else [user]
    return UserOutput(
        user, many=many, context={"book_ids": selectors.user_book_ids(users=items)}
    ).data


def auth_payload(user):
    return {**tokens.token_pair_create(user=user), "user": user_payload(user)}


class RegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    ratelimit_scopes = {"post": "auth_register"}

    @extend_schema(
        operation_id="auth_register",
        request=RegisterInput,
        responses={201: AuthOutput, **ERRORS(409, 422, 429)},
    )
    def post(self, request):
        data = RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = users.user_register(**data.validated_data)
        return Response(auth_payload(user), status=status.HTTP_201_CREATED)


class LoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    ratelimit_scopes = {"post": "auth_login_ip"}

    @extend_schema(
        operation_id="auth_login",
        request=LoginInput,
        responses={200: AuthOutput, **ERRORS(401, 422, 429)},
    )
    def post(self, request):
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


class RefreshView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    ratelimit_scopes = {"post": "auth_refresh"}

    @extend_schema(
        operation_id="auth_refresh",
        request=RefreshInput,
        responses={200: TokenPairOutput, **ERRORS(401, 422, 429)},
    )
    def post(self, request):
        data = RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(tokens.token_refresh(raw_refresh=data.validated_data["refresh"]))


class LogoutView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="auth_logout", request=RefreshInput, responses={204: None, **ERRORS(401, 422)}
    )
    def post(self, request):
        data = RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        users.user_logout(raw_refresh=data.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionView(APIView):
    @extend_schema(operation_id="auth_session", responses={200: SessionOutput, **ERRORS(401)})
    def get(self, request):
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


class PasswordChangeView(APIView):
    ratelimit_scopes = {"post": "auth_password"}

    @extend_schema(
        operation_id="auth_password_change",
        request=PasswordChangeInput,
        responses={204: None, **ERRORS(401, 422, 429)},
    )
    def post(self, request):
        data = PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        users.user_password_change(user=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    ratelimit_scopes = {"get": "profile_get", "patch": "profile_update", "delete": "profile_delete"}

    @extend_schema(
        operation_id="users_me_retrieve", responses={200: UserOutput, **ERRORS(401, 429)}
    )
    def get(self, request):
        return Response(user_payload(request.user))

    @extend_schema(
        operation_id="users_me_update",
        request=ProfileUpdateInput,
        responses={200: UserOutput, **ERRORS(401, 403, 409, 422, 429)},
    )
    def patch(self, request):
        data = ProfileUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = users.user_update(user=request.user, data=data.validated_data, actor=request.user)
        return Response(user_payload(user))

    @extend_schema(
        operation_id="users_me_delete", responses={200: MessageOutput, **ERRORS(401, 429)}
    )
    def delete(self, request):
        users.user_delete(user=request.user)
        return Response({"message": "Account successfully deleted"})


class AdminUserListView(APIView):
    permission_classes = [IsAuthenticated, IsAdminRole]

    @extend_schema(
        operation_id="users_admin_list",
        parameters=skip_limit_parameters(),
        responses={200: UserOutput(many=True), **ERRORS(401, 403, 422)},
    )
    def get(self, request):
        return paginated_response(
            request, selectors.user_list(), lambda rows: user_payload(rows, many=True)
        )


class UserDetailView(APIView):
    permission_classes = [IsAuthenticated, IsAdminOrSelf]

    def _target(self, request, user_id):
        self.check_object_permissions(request, str(user_id))
        return selectors.user_get(user_id=user_id)

    @extend_schema(
        operation_id="users_update",
        request=AdminUserUpdateInput,
        responses={200: UserOutput, **ERRORS(401, 403, 404, 409, 422)},
    )
    def put(self, request, user_id):
        target = self._target(request, user_id)
        data = AdminUserUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = users.user_update(user=target, data=data.validated_data, actor=request.user)
        return Response(user_payload(user))

    @extend_schema(operation_id="users_delete", responses={204: None, **ERRORS(401, 403, 404)})
    def delete(self, request, user_id):
        users.user_delete(user=self._target(request, user_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
