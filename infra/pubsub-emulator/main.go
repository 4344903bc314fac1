// Command pubsub-emulator serves Google Cloud Pub/Sub's gRPC API from memory, on 127.0.0.1, for tests: Google's
// own in-memory fake (cloud.google.com/go/pubsub/v2/pstest), so topics, subscriptions, publishing, streaming and
// synchronous pulls, acknowledgement deadlines and redelivery behave as the client libraries expect.
//
//	pubsub-emulator -port 8085 [-messages-port 8086]
//
// With -messages-port it also answers GET /messages on that port with every message published so far, as JSON:
// id, topic, attributes, and how often it was delivered and acknowledged, so a test can see what a client
// acknowledged from the server's side. It prints "listening on 127.0.0.1:<port>" once it serves, and runs until
// it is stopped.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"cloud.google.com/go/pubsub/v2/pstest"
)

type message struct {
	ID         string            `json:"id"`
	Topic      string            `json:"topic"`
	Attributes map[string]string `json:"attributes"`
	Deliveries int               `json:"deliveries"`
	Acks       int               `json:"acks"`
}

func main() {
	port := flag.Int("port", 8085, "TCP port to serve the Pub/Sub gRPC API on, on 127.0.0.1")
	messagesPort := flag.Int("messages-port", 0, "TCP port to answer GET /messages on, on 127.0.0.1 (0: none)")
	flag.Parse()
	for name, p := range map[string]int{"-port": *port, "-messages-port": *messagesPort} {
		if p < 0 || p > 65535 || (p == 0 && name == "-port") {
			log.Fatalf("%s must be between 1 and 65535, not %d", name, p)
		}
	}
	srv := pstest.NewServerWithAddress(fmt.Sprintf("127.0.0.1:%d", *port))
	if *messagesPort != 0 {
		listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *messagesPort))
		if err != nil {
			log.Fatalf("-messages-port: %v", err)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("GET /messages", func(w http.ResponseWriter, _ *http.Request) {
			all := []message{}
			for _, m := range srv.Messages() {
				all = append(all, message{m.ID, m.Topic, m.Attributes, m.Deliveries, m.Acks})
			}
			w.Header().Set("Content-Type", "application/json")
			if err := json.NewEncoder(w).Encode(all); err != nil {
				log.Printf("GET /messages: %v", err)
			}
		})
		go func() { log.Fatal(http.Serve(listener, mux)) }()
	}
	fmt.Printf("listening on %s\n", srv.Addr)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	if err := srv.Close(); err != nil {
		log.Printf("closing: %v", err)
	}
}
