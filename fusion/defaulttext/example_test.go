package defaulttext_test

import (
	"context"
	"fmt"

	"github.com/videodit/videodit/fusion/defaulttext"
)

// Load the default text encoder and embed a query (e_text, Eq. 10).
func Example() {
	enc, err := defaulttext.Load(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := enc.Encode(context.Background(), "When does the red circle start moving?")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(e), enc.Tokenizer().Tokenize("When does the red circle start moving?"))
	// Output:
	// 64 [when does the red circle start moving ?]
}
