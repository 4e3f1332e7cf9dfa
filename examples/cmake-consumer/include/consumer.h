#pragma once
// Included by main.cpp: editing it transforms main.cpp again (depfile).
constexpr int consumer_steps = 3;
