"""Policy versions (P24, P25): the privacy policy, the cookie policy and the terms."""
