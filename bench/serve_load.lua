-- wrk script for bench/serve_load.sh: each request POSTs the next body of $SERVE_BODIES (one JSON
-- body a line, {"inputs": "<one AG News row>"}), cycling through them.
local bodies = {}
local next_body = 0

function init(args)
  for line in io.lines(os.getenv("SERVE_BODIES")) do bodies[#bodies + 1] = line end
  next_body = 0
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", "/predict", {["Content-Type"] = "application/json"}, bodies[next_body])
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("status " .. status .. ": " .. body .. "\n")
    os.exit(1)
  end
end
