"""The account: sign-up, sign-in, password reset, « Mon compte », e-mail status."""
