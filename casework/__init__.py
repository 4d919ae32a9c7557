"""Cases, consent, assessments, referrals and their dispatch: the rules of casework, once."""
