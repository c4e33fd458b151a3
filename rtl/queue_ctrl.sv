// The I/O card's queue controller: the paper's two rings in hardware
// (../shared/paper/BRIEF.md, "Rings" and "Four pointers").
//
// Two rings of equal length, each record with one status bit (1 = valid):
//   request ring:    host fills at P_HR, card takes at P_SR   (P_SR follows P_HR)
//   completion ring: card fills at P_SC, host takes at P_HC   (P_HC follows P_SC)
// Every pointer starts at record 0, moves by one record per accepted operation
// and wraps after the tail record (record depth-1) to record 0.
//   full  (request ring)    = record at P_HR still valid
//   full  (completion ring) = record at P_SC still valid
//   empty (request ring)    = record at P_SR invalid
//   empty (completion ring) = record at P_HC invalid
// Exactly one owner per record: a fill is allowed only on an invalid record,
// a take only on a valid one. A refused strobe (push into full, pop from
// empty) changes nothing and reports ok = 0 on the next cycle.
//
// All decisions at an edge use the state before the edge, so a push and a pop
// on the same ring in one cycle never touch the same record: if the ring is
// empty only the push passes, if it is full only the pop passes.
//
// Storage is MAX_DEPTH records; the active ring length is cfg_depth, latched
// at reset like a register the driver writes (clamped to 1..MAX_DEPTH), so one
// netlist serves the paper's 5000-record rings and small rings in tests.
// Status bits are a flop array (cleared by reset in one cycle), not SRAM.
`timescale 1ps/1ps  // match SystemC's 1 ps resolution (ARCHITECTURE.md, pitfalls)

module queue_ctrl #(
  parameter int MAX_DEPTH = 8192,                 // records of storage per ring
  parameter int PW = $clog2(MAX_DEPTH),           // pointer width
  parameter int CW = $clog2(MAX_DEPTH + 1)        // count / depth width (0..MAX_DEPTH)
) (
  input  logic          clk,
  input  logic          rst_n,        // synchronous, active low
  input  logic [CW-1:0] cfg_depth,    // active ring length, sampled while rst_n = 0
  // strobes, sampled at the rising edge
  input  logic          h_req_push,   // host: fill record at P_HR
  input  logic          c_req_pop,    // card: take record at P_SR
  input  logic          c_cpl_push,   // card: fill completion at P_SC
  input  logic          h_cpl_pop,    // host: take completion at P_HC
  // registered state
  output logic [CW-1:0] depth,        // latched active ring length
  output logic [PW-1:0] p_hr,
  output logic [PW-1:0] p_sr,
  output logic [PW-1:0] p_sc,
  output logic [PW-1:0] p_hc,
  output logic          req_full,
  output logic          req_empty,
  output logic          cpl_full,
  output logic          cpl_empty,
  output logic [CW-1:0] req_count,
  output logic [CW-1:0] cpl_count,
  // last edge's strobes accepted
  output logic          h_req_ok,
  output logic          c_req_pop_ok,
  output logic          c_cpl_ok,
  output logic          h_cpl_pop_ok
);

  logic [MAX_DEPTH-1:0] req_valid;   // status bit of each request record
  logic [MAX_DEPTH-1:0] cpl_valid;   // status bit of each completion record
  logic [PW-1:0] tail;           // index of the tail record (depth - 1)

  // Full / empty read the status bit under the pointer, exactly as the brief.
  assign req_full  =  req_valid[p_hr];
  assign req_empty = !req_valid[p_sr];
  assign cpl_full  =  cpl_valid[p_sc];
  assign cpl_empty = !cpl_valid[p_hc];

  wire do_h_req_push = h_req_push && !req_full;
  wire do_c_req_pop  = c_req_pop  && !req_empty;
  wire do_c_cpl_push = c_cpl_push && !cpl_full;
  wire do_h_cpl_pop  = h_cpl_pop  && !cpl_empty;

  function automatic logic [PW-1:0] next_rec(input logic [PW-1:0] p, input logic [PW-1:0] t);
    return (p == t) ? '0 : p + 1'b1;   // wrap after the tail record
  endfunction

  // Clamp the configured length to the storage (0 would be no ring at all).
  logic [CW-1:0] cfg_clamped;
  always_comb begin
    if (cfg_depth == '0)                   cfg_clamped = CW'(1);
    else if (cfg_depth > CW'(MAX_DEPTH))   cfg_clamped = CW'(MAX_DEPTH);
    else                                   cfg_clamped = cfg_depth;
  end

  // Pointers, counters, ok flags.
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      depth        <= cfg_clamped;
      tail         <= PW'(cfg_clamped - 1'b1);
      p_hr         <= '0;
      p_sr         <= '0;
      p_sc         <= '0;
      p_hc         <= '0;
      req_count    <= '0;
      cpl_count    <= '0;
      h_req_ok     <= 1'b0;
      c_req_pop_ok <= 1'b0;
      c_cpl_ok     <= 1'b0;
      h_cpl_pop_ok <= 1'b0;
    end else begin
      if (do_h_req_push) p_hr <= next_rec(p_hr, tail);
      if (do_c_req_pop)  p_sr <= next_rec(p_sr, tail);
      if (do_c_cpl_push) p_sc <= next_rec(p_sc, tail);
      if (do_h_cpl_pop)  p_hc <= next_rec(p_hc, tail);
      req_count    <= req_count + CW'(do_h_req_push) - CW'(do_c_req_pop);
      cpl_count    <= cpl_count + CW'(do_c_cpl_push) - CW'(do_h_cpl_pop);
      h_req_ok     <= do_h_req_push;
      c_req_pop_ok <= do_c_req_pop;
      c_cpl_ok     <= do_c_cpl_push;
      h_cpl_pop_ok <= do_h_cpl_pop;
    end
  end

  // Status bits: the owner sets/clears its record last (BRIEF.md, protocol);
  // here that is the same edge that advances its pointer.
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      req_valid <= '0;
      cpl_valid <= '0;
    end else begin
      if (do_h_req_push) req_valid[p_hr] <= 1'b1;
      if (do_c_req_pop)  req_valid[p_sr] <= 1'b0;
      if (do_c_cpl_push) cpl_valid[p_sc] <= 1'b1;
      if (do_h_cpl_pop)  cpl_valid[p_hc] <= 1'b0;
    end
  end

endmodule
