package httpapi

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"time"

	"example.com/inventory/internal/clients"
	"example.com/inventory/internal/jobs"
	"example.com/inventory/internal/notify"
	"example.com/inventory/internal/storage"
)

func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {
	var in struct {
		CustomerID int64          `json:"customer_id"`
		Lines      []storage.Line `json:"lines"`
		ShipTo     string         `json:"ship_to"`
		Region     string         `json:"region"`
	}
	if !decode(w, r, &in) {
		return
	}
	if len(in.Lines) == 0 {
		http.Error(w, "an order needs at least one line", http.StatusUnprocessableEntity)
		return
	}
	ctx := r.Context()
	total := 0
	for _, l := range in.Lines {
		q, err := s.pricing.Quote(ctx, l.SKU, l.Qty)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		total += q.TotalCents
	}
	bp, err := s.tax.RateBasisPoints(in.Region)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	total += total * bp / 10_000
	ref := fmt.Sprintf("c%d-%d", in.CustomerID, time.Now().UnixNano())
	resID, err := s.store.Reserve(ctx, ref, in.Lines)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := s.store.CreateOrder(ctx, storage.Order{CustomerID: in.CustomerID, TotalCents: total, Reservation: resID, ShipTo: in.ShipTo})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "order.create", fmt.Sprint(id))
	ev := notify.Event{Kind: "order.created", Subject: fmt.Sprint(id), Detail: fmt.Sprintf("%d cents", total), At: time.Now()}
	go func() { // want `gospawn: go statement .*reached from POST /v1/orders \(Server.createOrder\); fix`
		if err := s.notifier.Notify(context.WithoutCancel(ctx), ev); err != nil {
			s.log.Printf("notify order %d: %v", id, err)
		}
	}()
	writeJSON(w, http.StatusCreated, map[string]any{"id": id, "total_cents": total})
}

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	o, err := s.store.Order(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) cancelOrder(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if err := s.store.SetOrderStatus(r.Context(), id, "cancelled"); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "order.cancel", fmt.Sprint(id))
	if err := s.jobs.Offer(jobs.Job{Kind: jobs.KindReindex, Ref: fmt.Sprint(id)}); err != nil {
		s.log.Printf("cancel %d: reindex not queued: %v", id, err)
	}
	w.WriteHeader(http.StatusNoContent)
}

func parcelFor(o storage.Order) clients.Parcel {
	weight := 0
	for _, l := range o.Lines {
		weight += 250 * l.Qty
	}
	return clients.Parcel{To: o.ShipTo, WeightG: weight}
}

func (s *Server) shippingRates(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	o, err := s.store.Order(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rates, err := s.shipping.Rates(r.Context(), parcelFor(o))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rates)
}

func (s *Server) shipOrder(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	var in struct {
		Carrier string `json:"carrier"`
	}
	if !decode(w, r, &in) {
		return
	}
	ctx := r.Context()
	o, err := s.store.Order(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if o.Status != "new" {
		http.Error(w, "order is "+o.Status, http.StatusConflict)
		return
	}
	label, err := s.shipping.CreateLabel(ctx, id, parcelFor(o), in.Carrier)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.SetOrderStatus(ctx, id, "shipped"); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "order.ship", fmt.Sprint(id))
	writeJSON(w, http.StatusOK, label)
}

var invoiceTmpl = template.Must(template.New("invoice").Parse(`<html><body><h1>Invoice {{.ID}}</h1>
<table>{{range .Lines}}<tr><td>{{.SKU}}</td><td>{{.Qty}}</td></tr>{{end}}</table>
<p>Total: {{.TotalCents}} cents</p></body></html>`))

// invoice renders the order as PDF with wkhtmltopdf, killed if the client gives up.
func (s *Server) invoice(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
	defer cancel()
	o, err := s.store.Order(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var html strings.Builder
	if err := invoiceTmpl.Execute(&html, o); err != nil {
		s.fail(w, r, err)
		return
	}
	cmd := exec.CommandContext(ctx, "wkhtmltopdf", "--quiet", "-", "-")
	cmd.Stdin = strings.NewReader(html.String())
	pdf, err := cmd.Output()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	_, _ = w.Write(pdf)
}

var errBadEmail = errors.New("email domain does not accept mail")

// checkEmailDomain rejects addresses whose domain has no MX record: most typos.
func checkEmailDomain(addr string) error {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return errBadEmail
	}
	mx, err := net.LookupMX(addr[at+1:]) // want `nocancel: net.LookupMX .*reached from POST /v1/customers \(Server.createCustomer\); fix`
	if err != nil || len(mx) == 0 {
		return errBadEmail
	}
	return nil
}

func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request) {
	var c storage.Customer
	if !decode(w, r, &c) {
		return
	}
	c.Email = strings.TrimSpace(strings.ToLower(c.Email))
	if err := checkEmailDomain(c.Email); err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	id, err := s.store.CreateCustomer(r.Context(), c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c.ID = id
	writeJSON(w, http.StatusCreated, c)
}
