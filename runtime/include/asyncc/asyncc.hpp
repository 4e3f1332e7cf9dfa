// Everything in the asyncc runtime.
#pragma once

#include <asyncc/async.hpp>
#include <asyncc/boxed.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/future.hpp>
#include <asyncc/reactor.hpp>
#include <asyncc/time.hpp>
