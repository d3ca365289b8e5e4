package ingest

import "testing"

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"paragraphs", "<p>Hello</p><p>World</p>", "Hello\nWorld"},
		{"br", "line one<br>line two<br/>line three", "line one\nline two\nline three"},
		{"entities", "<p>Tom &amp; Jerry &lt;3 it&#39;s &quot;fine&quot; &#x2014; caf&eacute;</p>", `Tom & Jerry <3 it's "fine" — café`},
		{"nbsp collapses", "<p>a&nbsp;&nbsp; b\u00a0\u00a0c</p>", "a b c"},
		{"source white space", "<p>one\n   two\t\tthree</p>\n\n<p>  four </p>", "one two three\nfour"},
		{"lists", "<ul><li>first</li><li>second <b>bold</b></li></ul>", "first\nsecond bold"},
		{"inline tags", "Click <a href=\"https://x.test/?a=1&amp;b=2\">here</a> <i>now</i>", "Click here now"},
		{"div and empty paragraphs", "<div>Hi</div><p></p><p> </p><div><div>there</div></div>", "Hi\nthere"},
		{"script and style", "<style>p{color:red}</style><p>shown</p><script>alert('x<y')</script>", "shown"},
		{"table", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
		{"image only", "<div class=\"intercom-container\"><img src=\"https://x.test/a.png\"></div>", ""},
		{"comment", "a<!-- hidden -->b", "ab"},
		{"plain text keeps lines", "first line\n\n  second   line &amp; more\r\nthird", "first line\nsecond line & more\nthird"},
		{"less-than in text", "<p>x < y and y > z</p>", "x < y and y > z"},
		{"unclosed tags", "<p>open <b>bold", "open bold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := htmlToText(tt.in); got != tt.want {
				t.Errorf("htmlToText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
