// Package paraphrase is a test model: an OpenAI-compatible server that extracts the true issue of
// every conversation it knows (from ground-truth labels) but words the issue signature one of
// three ways, chosen per conversation, ignoring the signatures the prompt offers for reuse. It
// stands for an outside model that understands every conversation yet drifts in wording, so
// tests measure how well the pipeline groups despite the drift. Embeddings and every other call
// are answered by the handler it wraps (the built-in local model in the tests).
package paraphrase

import (
	"hash/fnv"
	"strings"

	"feedbackpipe/extraction"
)

// Spec is the theme of one true issue: its facets and the three wordings of its signature.
type Spec struct {
	Type        string    // extraction conversation type
	ProductArea string    // the same for every wording: the model finds the true issue
	Component   string    //
	ActionType  string    // extraction.ActionTypes
	Direction   string    // extraction.Directions
	Signatures  [3]string // the wordings: a base, the same words reordered, synonyms
}

// theme is the answer for one conversation of the spec, worded by variant (0–2).
func (s Spec) theme(variant int, subject string) extraction.Theme {
	sig := s.Signatures[variant%len(s.Signatures)]
	excerpt := subject
	if len(excerpt) > extraction.MaxExcerptChars {
		excerpt = excerpt[:extraction.MaxExcerptChars]
	}
	t := extraction.Theme{
		ConversationType:    s.Type,
		ProductArea:         s.ProductArea,
		Component:           s.Component,
		IssueSignature:      sig,
		MatchedExisting:     false,
		MatchConfidence:     "high",
		UserIntent:          "Get " + strings.ReplaceAll(sig, "_", " ") + " resolved",
		Symptoms:            []string{strings.ReplaceAll(sig, "_", " "), "reported by the customer"},
		AffectedFlow:        s.Component,
		RootCauseHypothesis: "unknown",
		DiagnosticSummary:   "The customer reports " + strings.ReplaceAll(sig, "_", " ") + ".",
		KeyExcerpts:         []string{},
		ActionType:          s.ActionType,
		Direction:           s.Direction,
		ResolutionAction:    "no_resolution",
		ResolutionCategory:  "unresolved",
	}
	if excerpt != "" {
		t.KeyExcerpts = []string{excerpt}
	}
	return t
}

// offered is the first of the spec's wordings among the known signatures (most used first).
func (s Spec) offered(known []extraction.KnownSignature) (int, bool) {
	for _, k := range known {
		for v, sig := range s.Signatures {
			if k.Signature == sig {
				return v, true
			}
		}
	}
	return 0, false
}

// Variant picks the wording of a conversation's signature: a hash of its id, so the choice is
// the same on every call and spread evenly over the three.
func Variant(conversationID string) int {
	h := fnv.New32a()
	h.Write([]byte(conversationID))
	return int(h.Sum32() % 3)
}

// noiseSpec answers a conversation that names no issue with a type that is never themed.
func noiseSpec(typ string) Spec {
	return Spec{Type: typ, ProductArea: "general", Component: "support", ActionType: "inquiry", Direction: "neutral",
		Signatures: [3]string{"no_product_issue_found", "no_product_issue_found", "no_product_issue_found"}}
}

// SampleSpecs is the theme of each label of the shipped sample (sampledata/labels.csv). The
// wordings vary as a model's do from one conversation to the next: the same words in another
// order, and synonyms (error for failure, dropped for missing, incorrect for wrong, added or
// left-out words).
func SampleSpecs() map[string]Spec {
	bug := func(area, component, dir string, sigs ...string) Spec {
		return Spec{extraction.TypeProductIssue, area, component, "bug_report", dir, [3]string(sigs)}
	}
	feature := func(area, component string, sigs ...string) Spec {
		return Spec{extraction.TypeFeatureRequest, area, component, "feature_request", "creation", [3]string(sigs)}
	}
	howTo := func(area, component string, sigs ...string) Spec {
		return Spec{extraction.TypeHowToQuestion, area, component, "how_to_question", "neutral", [3]string(sigs)}
	}
	return map[string]Spec{
		"instagram_publish_fails": bug("instagram_integration", "instagram_publisher", "neutral",
			"instagram_video_publish_fails", "publish_fails_instagram_video", "instagram_video_posting_error"),
		"instagram_token_expired": bug("instagram_integration", "instagram_connection", "neutral",
			"instagram_token_expired_disconnect", "instagram_disconnect_token_expired", "instagram_access_token_expiry_disconnection"),
		"fr_instagram_first_comment": feature("instagram_integration", "composer",
			"instagram_first_comment_scheduling", "scheduling_instagram_first_comment", "instagram_auto_first_comment_schedule"),
		"calendar_timezone_shift": bug("scheduling", "content_calendar", "modification",
			"scheduled_posts_wrong_time_after_dst", "wrong_time_scheduled_posts_after_dst", "scheduled_posts_incorrect_time_after_dst"),
		"csv_export_missing_columns": bug("analytics", "csv_export", "deficit",
			"analytics_csv_export_missing_columns", "csv_export_columns_missing_analytics", "analytics_csv_export_dropped_columns"),
		"pdf_export_timeout": bug("analytics", "pdf_export", "performance",
			"analytics_pdf_export_timeout", "pdf_export_timeout_analytics", "analytics_pdf_report_export_timeout"),
		"mobile_ios_video_crash": bug("mobile_app", "ios_composer", "neutral",
			"ios_app_crash_attaching_video", "ios_app_video_attach_crash", "ios_app_video_attachment_crashes"),
		"bulk_upload_date_format": bug("bulk_scheduler", "csv_upload", "modification",
			"bulk_upload_date_format_rejected", "bulk_upload_rejects_date_format", "bulk_csv_import_wrong_date_format"),
		"approval_emails_missing": bug("approvals", "approval_notifications", "deficit",
			"approval_request_emails_missing", "missing_approval_request_emails", "approval_request_emails_not_received"),
		"short_links_404": bug("link_shortener", "short_links", "neutral",
			"short_links_404_after_custom_domain", "custom_domain_short_links_404", "short_links_broken_after_custom_domain"),
		"linkedin_company_page_missing": bug("channels", "linkedin_connection", "deficit",
			"linkedin_company_page_missing", "missing_linkedin_company_page", "linkedin_company_page_not_listed"),
		"fr_bluesky_threads": feature("channels", "networks",
			"bluesky_threads_channel_support", "support_bluesky_threads_channel", "add_bluesky_threads_channels"),
		"fr_dark_mode": feature("user_interface", "theme",
			"dark_mode_support", "support_dark_mode", "dark_theme_option"),
		"howto_invite_teammate": howTo("team_management", "invitations",
			"invite_teammate_to_workspace", "workspace_teammate_invite", "add_team_member_to_workspace"),
		"howto_evergreen_queue": howTo("publishing", "queues",
			"evergreen_queue_recurring_posts", "recurring_posts_evergreen_queue", "evergreen_queue_repeat_posts"),
		"canva_import_fails": bug("integrations", "canva_import", "neutral",
			"canva_design_import_fails", "canva_import_design_fails", "canva_design_import_failure"),
		"webhook_signature_mismatch": bug("api", "webhooks", "neutral",
			"webhook_signature_mismatch", "mismatch_webhook_signature", "webhook_signature_verification_fails"),
		"hashtag_suggestions_wrong_language": bug("composer", "hashtag_suggestions", "modification",
			"hashtag_suggestions_wrong_language", "wrong_language_hashtag_suggestions", "hashtag_suggestions_incorrect_language"),
		"noise_billing": noiseSpec(extraction.TypeBillingQuestion),
		"noise_thanks":  noiseSpec(extraction.TypeGeneralInquiry),
		"noise_general": noiseSpec(extraction.TypeGeneralInquiry),
		"noise_spam":    noiseSpec(extraction.TypeSpam),
	}
}
